import { type RefObject, useEffect, useState } from 'react';
import { HiddenFileInput } from './FileMode';

interface Props {
  onFile: (file: File) => void;
  /** The file input, which other buttons (the welcome's) open too. */
  input: RefObject<HTMLInputElement | null>;
}

/**
 * "Open profile…" button with its file input, and drag-and-drop of a file anywhere on the page.
 * The file's contents decide how it is read (gzip magic bytes), never its name.
 */
export function FileOpener({ onFile, input }: Props) {
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (file) onFile(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [onFile]);

  return (
    <>
      <button type="button" data-testid="open-file" onClick={() => input.current?.click()}>
        Open profile…
      </button>
      <HiddenFileInput ref={input} testId="file-input" label="Open a pprof profile" onFile={onFile} />
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          Drop a pprof profile to open it
        </div>
      )}
    </>
  );
}
