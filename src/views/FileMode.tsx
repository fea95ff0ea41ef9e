import { useRef } from 'react';

/** In file mode: compare the open file with a baseline file, or stop comparing. */
export function FileDiffBar(p: {
  diff: boolean;
  baseName: string;
  nextName: string;
  onBaseline: (f: File) => void;
  onStop: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="diff-sides" data-testid="file-diff-bar">
      {p.diff ? (
        <>
          <span data-testid="diff-description">
            Comparing <strong>{p.nextName}</strong> with the baseline <strong>{p.baseName}</strong>
          </span>
          <button type="button" data-testid="stop-diff" onClick={p.onStop}>
            Stop comparing
          </button>
        </>
      ) : (
        <button type="button" data-testid="compare-file" onClick={() => input.current?.click()}>
          Compare with a baseline file…
        </button>
      )}
      <HiddenFileInput
        ref={input}
        testId="baseline-file-input"
        label="Open a baseline profile to compare with"
        onFile={p.onBaseline}
      />
    </div>
  );
}

/**
 * A file input for a visible button to open: not shown, and not a stop of its own for Tab or a
 * screen reader (the button is). Choosing the same file again opens it again.
 */
export function HiddenFileInput(p: { ref: React.Ref<HTMLInputElement>; testId: string; label: string; onFile: (f: File) => void }) {
  return (
    <input
      ref={p.ref}
      hidden
      tabIndex={-1}
      type="file"
      data-testid={p.testId}
      aria-label={p.label}
      onChange={(e) => {
        const f = e.target.files?.[0];
        e.target.value = '';
        if (f) p.onFile(f);
      }}
    />
  );
}

/**
 * File mode with no profile: how to open one, or, for a link to local files, which files to open
 * again (files are never uploaded, so a link cannot bring them along).
 */
export function FileWelcome({ file, diff, bfile }: { file: string; diff: boolean; bfile: string }) {
  return (
    <div className="welcome" data-testid="welcome">
      {file ? (
        <>
          <h1>Open {file} to see this view</h1>
          <p data-testid="local-file-note">
            This link refers to {diff ? 'local files' : 'a local file'}, <strong>{file}</strong>
            {diff && (
              <>
                {' '}
                compared with the baseline <strong>{bfile}</strong>
              </>
            )}
            . Files are read in the browser and never uploaded, so a link cannot bring them along: open the same{' '}
            {diff ? 'files' : 'file'} here and the rest of the screen (view, sample type, filters, zoom) is restored from
            the link.
          </p>
        </>
      ) : (
        <>
          <h1>Open a pprof profile</h1>
          <p>
            Choose a <code>.pb.gz</code> or raw <code>.pb</code> pprof file, or drop it anywhere on this page. It is read
            in your browser and never uploaded.
          </p>
        </>
      )}
    </div>
  );
}
