import { useRef } from 'react';
import type { UrlState } from '../state/url-state';
import { CopyLink } from './explore/CopyLink';

/** In file mode: compare the open file with a baseline file, or stop comparing; copy the link. */
export function FileDiffBar(p: {
  state: UrlState;
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
      <span className="spacer" />
      <CopyLink state={p.state} />
    </div>
  );
}

/**
 * A file input for a visible button to open: not shown, and not a stop of its own for Tab or a
 * screen reader (the button is). Choosing the same file again opens it again.
 */
export function HiddenFileInput(p: {
  ref: React.Ref<HTMLInputElement>;
  testId: string;
  label: string;
  onFile: (f: File) => void;
}) {
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

/** The local files a link names and, of those, the ones picked in this page so far. */
export interface LinkedFiles {
  next: string;
  /** The baseline's name, for a link to a diff. */
  base?: string;
  picked: { next?: File; base?: File };
}

/**
 * Which of a link's files a picked file is: the one with its name that is still to be picked
 * (the comparison first, when both have the same name), or none.
 */
export function linkedSlot(file: File, link: LinkedFiles): 'next' | 'base' | undefined {
  if (!link.picked.next && file.name === link.next) return 'next';
  if (link.base !== undefined && !link.picked.base && file.name === link.base) return 'base';
  return undefined;
}

/**
 * File mode with no profile: how to open one, or, for a link to local files, which files to open
 * again (files are never uploaded, so a link cannot bring them along), one after the other.
 */
export function FileWelcome({ link, onOpen }: { link?: LinkedFiles; onOpen: () => void }) {
  if (!link) {
    return (
      <div className="welcome" data-testid="welcome">
        <h1>Open a pprof profile</h1>
        <p>
          Choose a <code>.pb.gz</code> or raw <code>.pb</code> pprof file, or drop it anywhere on this page. It is read in your
          browser and never uploaded.
        </p>
      </div>
    );
  }
  const { next, base, picked } = link;
  const diff = base !== undefined;
  // The comparison first, then the baseline (either is taken when it comes).
  const wanted = !picked.next ? next : base!;
  const title =
    !picked.next && !picked.base
      ? `Open ${next} to see this view`
      : picked.next
        ? `Now open the baseline ${base}`
        : `Now open ${next}`;
  return (
    <div className="welcome" data-testid="welcome">
      <h1 data-testid="welcome-title">{title}</h1>
      <p data-testid="local-file-note">
        This link refers to {diff ? 'local files' : 'a local file'}, <strong>{next}</strong>
        {diff && (
          <>
            {' '}
            compared with the baseline <strong>{base}</strong>
          </>
        )}
        . Files are read in the browser and never uploaded, so a link cannot bring them along: open the same{' '}
        {diff ? 'files' : 'file'} here and the rest of the screen (view, sample type, filters, zoom, selected function, sandwich)
        is restored from the link.
      </p>
      {diff && (
        <ol className="link-files" data-testid="link-files">
          <li data-state={picked.next ? 'picked' : 'wanted'}>
            the comparison, <strong>{next}</strong> {picked.next && '✓'}
          </li>
          <li data-state={picked.base ? 'picked' : 'wanted'}>
            the baseline, <strong>{base}</strong> {picked.base && '✓'}
          </li>
        </ol>
      )}
      <p>
        <button type="button" data-testid="open-linked-file" onClick={onOpen}>
          Open {wanted}…
        </button>
      </p>
      <p className="hint">…or drop it on this page.</p>
    </div>
  );
}
