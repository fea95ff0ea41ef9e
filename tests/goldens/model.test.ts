// The model against go tool pprof on the repository's corpus (testdata/, see its README).
import { REPO } from '../helpers/corpus';
import { defineModelGoldens } from './model';

defineModelGoldens(REPO, { reader: 33, top: 156, dot: 52, tree: 52, projection: 25, diffTop: 12, diffDot: 12 });
