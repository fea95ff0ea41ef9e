// The page's entry: starts the profile worker, then loads the app, so that the worker's start-up
// and warm-up run while the browser fetches and compiles the app's much larger code, instead of
// after it (see pageProfileWorker). The page's load event therefore comes before the app has
// rendered: wait for the app's elements, not for the load event.
import { pageProfileWorker } from '../worker/client';

pageProfileWorker();
void import('./mount');
