// Worker bootstrap for the TypeScript sources (tests, tsx): registers tsx in the worker thread, then loads the worker. Compiled, dist/ starts worker.js directly (src/workers.ts).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
