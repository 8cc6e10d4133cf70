import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { chrome, defaultProgram, sendHtml } from '../page-context.ts';
import { renderPage } from '../views/layout.tsx';
import { HomePage, PolicyPage } from '../views/public-pages.tsx';

export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', async (req, reply) => {
    const program = await defaultProgram(ctx);
    return sendHtml(reply, renderPage(<HomePage chrome={chrome(req, reply, program)} program={program} />));
  });

  app.get('/policy', async (req, reply) => {
    const program = await defaultProgram(ctx);
    return sendHtml(reply, renderPage(<PolicyPage chrome={chrome(req, reply, program)} program={program} />));
  });
}
