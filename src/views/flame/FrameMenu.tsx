import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';

interface Props {
  x: number;
  y: number;
  items: [string, () => void][];
  /** `refocus`: give the keyboard back to the view the menu was opened from. */
  onClose: (refocus: boolean) => void;
}

/**
 * A frame's context menu. It is drawn in the page's body, above everything (the flame graph
 * hides its tooltip meanwhile), and has the keyboard while open: arrows move between items,
 * Enter acts, Escape and Tab close it. Keys never reach the view under it.
 */
export function FrameMenu({ x, y, items, onClose }: Props) {
  const menu = useRef<HTMLDivElement>(null);
  const menuItems = () => Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);

  useEffect(() => {
    menuItems()[0]?.focus();
  }, []);
  useEffect(() => {
    // A click anywhere else closes it.
    const close = () => onClose(false);
    window.addEventListener('click', close);
    return () => window.removeEventListener('click', close);
  }, [onClose]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const all = menuItems();
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') all[(i + 1) % all.length]?.focus();
    else if (e.key === 'ArrowUp') all[(i - 1 + all.length) % all.length]?.focus();
    else if (e.key === 'Home') all[0]?.focus();
    else if (e.key === 'End') all[all.length - 1]?.focus();
    else if (e.key === 'Escape' || e.key === 'Tab') onClose(true);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return createPortal(
    <div
      ref={menu}
      className="context-menu"
      style={{ left: x, top: y }}
      role="menu"
      data-testid="frame-menu"
      onKeyDown={onKeyDown}
      // Focus leaving the menu (to another window, or a click elsewhere) closes it.
      onBlur={(e) => {
        if (!menu.current?.contains(e.relatedTarget as Node | null)) onClose(false);
      }}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items.map(([label, act]) => (
        <button
          key={label}
          type="button"
          role="menuitem"
          tabIndex={-1}
          onClick={() => {
            act();
            onClose(true);
          }}
        >
          {label}
        </button>
      ))}
    </div>,
    document.body,
  );
}
