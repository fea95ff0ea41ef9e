// The extra corpus through the embedded server: ingested by /ingest and Push, merged back as pprof.
import { withExtraCorpus } from '../helpers/corpus';
import { defineIngestGoldens } from '../goldens/ingest';

withExtraCorpus('server', (corpus) => defineIngestGoldens(corpus, 244));
