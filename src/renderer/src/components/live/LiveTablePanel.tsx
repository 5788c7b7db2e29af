// The Live view's table panels (positions, fills): a titled panel with a note on the right, and a
// scrolling table, or a line saying why there are no rows yet.
import type { ReactNode } from 'react';

export interface LiveTablePanelProps {
  /** The panel's own class next to live-panel (its grid area and column widths). */
  name: string;
  testId: string;
  title: string;
  meta?: ReactNode;
  /** Data attributes for tests and styles, e.g. { 'data-count': 3 }. */
  data?: Record<`data-${string}`, string | number>;
  /** Shown instead of the table when there are no rows. */
  emptyText: string;
  empty: boolean;
  /** The table's thead and tbody. */
  children: ReactNode;
}

export function LiveTablePanel({
  name,
  testId,
  title,
  meta,
  data,
  emptyText,
  empty,
  children,
}: LiveTablePanelProps) {
  return (
    <section className={`live-panel ${name}`} data-testid={testId} {...data}>
      <header className="live-panel__title">
        <span>{title}</span>
        {meta}
      </header>
      <div className="live-panel__scroll">
        {empty ? (
          <div className="live-panel__empty">{emptyText}</div>
        ) : (
          <table className="live-table">{children}</table>
        )}
      </div>
    </section>
  );
}
