// The Source view's listing against go tool pprof -list on the repository's corpus (testdata/).
import { REPO } from '../helpers/corpus';
import { defineListGoldens } from './list';

defineListGoldens(REPO, { cases: 20, routines: 53, lines: 610 });
