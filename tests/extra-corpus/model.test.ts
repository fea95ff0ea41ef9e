// The extra corpus (../shared/fixtures on the project's CI machines): every profile in it goes
// through the same comparisons with go tool pprof as the repository's own corpus.
import { withExtraCorpus } from '../helpers/corpus';
import { defineModelGoldens } from '../goldens/model';

withExtraCorpus('model', (corpus) =>
  defineModelGoldens(corpus, { reader: 34, top: 183, dot: 61, tree: 61, projection: 33, diffTop: 10, diffDot: 10 }),
);
