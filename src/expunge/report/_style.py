"""The report's stylesheet, inlined into the page so the file works offline and by e-mail.

Kept in a Python module rather than a .css file so it ships with the package without
package-data configuration.
"""

CSS = """
:root {
  --fg: #1d232b; --muted: #5b6573; --faint: #8a94a3; --line: #d9dee5; --soft: #eef1f5;
  --bg: #f5f7fa; --card: #ffffff; --accent: #b42318; --ok: #17803d; --warn-bg: #fff7e0;
  --warn-line: #e0b000; --warn-fg: #5c4400;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono",
    "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 var(--sans);
}
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 40px; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h2 { font-size: 18px; font-weight: 650; }
h3 { font-size: 15px; font-weight: 650; }
code, .mono { font-family: var(--mono); font-size: 0.9em; }
.muted { color: var(--muted); }
.num { font-variant-numeric: tabular-nums; }

/* Header ------------------------------------------------------------------------------ */
.top { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between;
  gap: 4px 16px; margin-bottom: 14px; }
.brand { font-size: 13px; font-weight: 650; letter-spacing: .06em; text-transform: uppercase;
  color: var(--muted); }
.top h1 { font-size: 22px; font-weight: 650; overflow-wrap: anywhere; margin-top: 2px; }
.top .when { font-size: 13px; color: var(--muted); }

/* Headline ---------------------------------------------------------------------------- */
.headline { background: var(--card); border: 1px solid var(--line);
  border-left: 6px solid var(--accent); border-radius: 10px; padding: 18px 22px;
  margin-bottom: 14px; }
.headline.ok { border-left-color: var(--ok); }
.headline.empty { border-left-color: var(--faint); }
.headline p.lead { font-size: 22px; line-height: 1.35; margin: 0; font-weight: 450; }
.headline p.lead strong { font-weight: 700; }
.headline.pii p.lead .hot { color: var(--accent); }
.headline p.sub { margin: 8px 0 0; color: var(--muted); }

.callout { background: var(--warn-bg); border: 1px solid var(--warn-line);
  border-left-width: 6px; border-radius: 10px; padding: 12px 18px; margin-bottom: 14px;
  color: var(--warn-fg); }
.callout strong { color: #3d2d00; }

/* Key figures ------------------------------------------------------------------------- */
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
  gap: 12px; margin-bottom: 18px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 12px 16px 14px; min-width: 0; }
.card .k { font-size: 12px; font-weight: 600; letter-spacing: .05em; text-transform: uppercase;
  color: var(--muted); }
.card .v { font-size: 26px; font-weight: 700; line-height: 1.2; margin-top: 4px;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.card .s { font-size: 13px; color: var(--muted); margin-top: 2px; }
.card.hot .v { color: var(--accent); }
.card.warn .v { color: #9a6700; }
.card.ok .v { color: var(--ok); }
.card .meter { display: block; margin-top: 8px; border-radius: 3px; }
.card { display: flex; flex-direction: column; }
.card .s { flex: 1; }
.meter .track { fill: var(--soft); }
.meter .fill { fill: var(--accent); }

/* Sections ---------------------------------------------------------------------------- */
section.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px 20px; margin-bottom: 18px; }
.panel-head { display: flex; flex-wrap: wrap; align-items: baseline;
  justify-content: space-between; gap: 4px 16px; margin-bottom: 12px; }
.panel-head p { margin: 0; color: var(--muted); font-size: 13px; }
.note { color: var(--muted); font-size: 13px; margin: 10px 0 0; }
.note.cap { background: var(--soft); border-radius: 6px; padding: 6px 10px;
  color: var(--fg); display: inline-block; }
.empty-msg { color: var(--muted); margin: 0; }

/* Charts: a two-column grid (label | bar + number) so labels line up on one edge. ------ */
.bars { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 7px 12px;
  align-items: center; }
.bars .lbl { text-align: right; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; max-width: 24em; font-size: 14px; }
.bars.shards .lbl { font-size: 12.5px; max-width: 30em; }
.bars .bar { display: flex; align-items: center; gap: 8px; min-height: 22px; }
.bars svg.fill { display: block; flex: none; height: 18px; border-radius: 3px; }
.bars.shards svg.fill { height: 16px; border-radius: 2px; }
.bars .v { white-space: nowrap; font-size: 13.5px; font-variant-numeric: tabular-nums; }
.bars .v .num { font-weight: 650; }
.bars .v .sub { color: var(--muted); }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 16px; padding: 0;
  margin: 0 0 12px; font-size: 13px; }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.chip { display: inline-block; width: 11px; height: 11px; border-radius: 3px;
  flex: none; vertical-align: -1px; }

/* Tables ------------------------------------------------------------------------------ */
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { padding: 7px 10px; text-align: left; vertical-align: baseline;
  border-bottom: 1px solid var(--line); }
tbody tr:last-child td { border-bottom: 0; }
thead th { background: #f0f3f7; font-size: 12px; font-weight: 650; color: #3a4350;
  vertical-align: bottom; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.zero { color: #b7bec8; }
td.shard { min-width: 21em; }
td.shard .name { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
td.shard .facts { display: block; font-size: 12px; color: var(--muted); }
td.total { font-weight: 650; }
th.t { text-align: center; vertical-align: bottom; padding: 8px 4px; width: 3.2em; }
th.t .vh { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  display: inline-flex; align-items: center; gap: 5px; }
table.shards td.n { padding-left: 6px; padding-right: 8px; }
.pct { color: var(--muted); margin-left: 4px; }
.badge { display: inline-block; font-size: 11.5px; font-weight: 600; padding: 1px 7px;
  border-radius: 999px; background: #e6eefc; color: #1f4f99; white-space: nowrap; }
td.preview { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere;
  min-width: 12em; }
td.loc { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
td.reason { overflow-wrap: anywhere; }
/* Fixed column widths so the per-type sample tables line up under each other. */
table.samples, table.skipped { table-layout: fixed; min-width: 720px; }
.samples .c-preview { width: 27%; } .samples .c-shard { width: 24%; }
.samples .c-row { width: 7%; } .samples .c-id { width: 13%; } .samples .c-off { width: 11%; }
.samples .c-score { width: 7%; } .samples .c-val { width: 11%; }
.skipped .c-shard { width: 30%; } .skipped .c-where { width: 16%; }

.group { margin-top: 18px; }
.group:first-of-type { margin-top: 4px; }
.group-head { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px;
  margin-bottom: 8px; }
.group-head code { color: var(--muted); }
.group-head .count { color: var(--muted); font-size: 13px; margin-left: auto; }

/* Footer ------------------------------------------------------------------------------ */
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line);
  padding-top: 14px; margin-top: 8px; }
footer p { margin: 2px 0; }
footer .path { font-family: var(--mono); overflow-wrap: anywhere; }

/* Narrow screens: keep text sizes, let wide things scroll inside their own box. */
@media (max-width: 640px) {
  main { padding: 16px 12px 28px; }
  .headline { padding: 14px 16px; }
  .headline p.lead { font-size: 18px; }
  section.panel { padding: 14px 14px 16px; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .card .v { font-size: 21px; }
  td.shard { min-width: 12em; }
  .group-head .count { margin-left: 0; }
  /* Label above its bar: the full width is left for the bar. */
  .bars { grid-template-columns: minmax(0, 1fr); row-gap: 2px; }
  .bars .lbl { text-align: left; max-width: none; margin-top: 6px; }
}

/* Print: white paper, true colours for bars and chips, no clipped scroll boxes. */
@media print {
  @page { margin: 14mm; }
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .card, section.panel, .headline, .callout { break-inside: avoid; }
  section.panel.long { break-inside: auto; }
  .table-wrap { overflow: visible; }
  .cards { grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 8px; }
  .card .v { font-size: 18pt; }
  table { font-size: 8.5pt; }
  td.shard { min-width: 12em; }
  th.t { width: auto; padding: 4px 2px; }
  table.shards td.n { padding-left: 3px; padding-right: 4px; }
  th, td { padding: 4px 5px; }
  .bars .lbl, .bars .bar { break-inside: avoid; }
  tr, .group-head { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""
