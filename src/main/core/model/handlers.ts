// The model domain's handlers for the core's dispatch (see src/shared/contract/model.ts).
import type { Handlers } from '../../../shared/rpc';
import { ModelService, type ModelDeps } from './service';

export type ModelHandlerName =
  'model.train' | 'model.cancel' | 'model.list' | 'model.get' | 'model.delete' | 'model.predict';

export type { ModelDeps } from './service';
export { currentBackend, initBackend } from './backend';
export { backendChoice, chooseBackends } from './backend-choice';

export function createModelHandlers(deps: ModelDeps): {
  handlers: Pick<Handlers, ModelHandlerName>;
  service: ModelService;
  close(): void;
} {
  const service = new ModelService(deps);
  return {
    service,
    handlers: {
      'model.train': (params, context) => service.train(params, context.signal),
      'model.cancel': ({ jobId }) => ({ cancelled: deps.jobs.cancel(jobId) }),
      'model.list': (params) => service.registry.list(params),
      'model.get': ({ id }) => service.registry.info(id),
      'model.delete': ({ id }) => ({ deleted: service.delete(id) }),
      'model.predict': (params) => service.predict(params),
    },
    close: () => service.close(),
  };
}
