import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';

/** The agreed disclosure date: proposed and agreed by the team and the reporter. */
export function registerDisclosureDateRoutes(_app: FastifyInstance, _ctx: AppContext): void {}
