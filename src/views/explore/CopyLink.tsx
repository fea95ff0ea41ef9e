import { useState } from 'react';
import { resolveTime } from '../../common/time';
import { type UrlState, serializeUrlState } from '../../state/url-state';

/** "Copy link", optionally with a relative range pinned to the absolute times it means now. */
export function CopyLink({ state, anchor }: { state: UrlState; anchor: number }) {
  const [copied, setCopied] = useState('');
  const copy = async (pin: boolean) => {
    const s = pin
      ? { ...state, from: String(resolveTime(state.from, anchor)), to: String(resolveTime(state.to, anchor)) }
      : state;
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
      <button type="button" data-testid="copy-link-absolute" onClick={() => void copy(true)} title="Pin the range to absolute times">
        Copy absolute
      </button>
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
