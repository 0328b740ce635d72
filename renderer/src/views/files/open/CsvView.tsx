/** A CSV (or TSV) file as a table, parsed by papaparse; very long files show their first rows. */
import Papa from "papaparse";
import { useMemo } from "react";

/** rows put in the page at most: a table of a million rows would freeze the window */
export const CSV_ROWS_SHOWN = 2000;

export function CsvView({ path, text }: { path: string; text: string }) {
  const parsed = useMemo(() => Papa.parse<string[]>(text, { skipEmptyLines: "greedy", delimiter: path.toLowerCase().endsWith(".tsv") ? "\t" : "" }), [path, text]);
  const [head = [], ...rows] = parsed.data;
  const shown = rows.slice(0, CSV_ROWS_SHOWN);
  return (
    <div className="doc-table">
      <table aria-label={`Table: ${path}`}>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        {rows.length > shown.length ? `The first ${shown.length.toLocaleString()} of ${rows.length.toLocaleString()} rows.` : `${rows.length.toLocaleString()} rows.`}
        {parsed.errors.length > 0 && ` Some lines do not fit the table (first at row ${(parsed.errors[0]!.row ?? 0) + 1}): edit as text to see them.`}
      </p>
    </div>
  );
}
