// The tag options and the -tags report against go tool pprof, on the repository's corpus.
import { REPO } from '../helpers/corpus';
import { defineTagGoldens } from './tags';

defineTagGoldens(REPO, { variants: 39, tags: 39, top: 39, dot: 39 });
