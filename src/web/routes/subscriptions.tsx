import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';

/** Customer subscriptions: subscribe, confirm, unsubscribe; the team's subscriber page. */
export function registerSubscriptionRoutes(_app: FastifyInstance, _ctx: AppContext): void {}
