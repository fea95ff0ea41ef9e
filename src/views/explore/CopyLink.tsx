import { useState } from 'react';
import type { TimeRange } from '../../state/time-range';
import { type UrlState, serializeUrlState } from '../../state/url-state';

/**
 * "Copy link", and for a backend query (`range` given) "Copy absolute": its relative range pinned
 * to the absolute times it means now. A file's link names the file(s), to be opened again.
 */
export function CopyLink({ state, range }: { state: UrlState; range?: TimeRange }) {
  const [copied, setCopied] = useState('');
  const copy = async (pin: boolean) => {
    const s = pin && range ? { ...state, from: String(range.start), to: String(range.end) } : state;
    const url = `${window.location.origin}${window.location.pathname}?${serializeUrlState(s)}`;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // No clipboard permission: the link is shown below to copy by hand.
    }
    setCopied(url);
  };
  return (
    <span className="copy-link">
      <button type="button" data-testid="copy-link" onClick={() => void copy(false)}>
        Copy link
      </button>
      {range && (
        <button
          type="button"
          data-testid="copy-link-absolute"
          onClick={() => void copy(true)}
          title="Pin the range to absolute times"
        >
          Copy absolute
        </button>
      )}
      {copied && (
        <input
          className="copied"
          readOnly
          data-testid="copied-link"
          value={copied}
          onFocus={(e) => e.target.select()}
          onBlur={() => setCopied('')}
        />
      )}
    </span>
  );
}
