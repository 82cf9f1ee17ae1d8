// Worker bootstrap: the sweep's sources are TypeScript, loaded through tsx in the worker thread too.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
