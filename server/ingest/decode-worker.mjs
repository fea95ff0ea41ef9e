// Entry point of a decoding worker thread: registers tsx (the server runs from TypeScript
// sources), then exports decode-task.ts's task for piscina.
import { register } from 'tsx/esm/api';

register();
const task = await import('./decode-task.ts');
export default task.default;
