// The annual-review job of `toms report FILE --format json`, done by DuckDB,
// for the comparison in README.md: read the outcomes CSV, join each row to
// its measure's proxy value for its UK financial year (April to March),
// total £ and rows by theme × contract × supplier × year (written as JSON
// lines), and count duplicate keys (contract, supplier, measure or its
// exclusive group, date, quantity as a number, period). Exact: quantities
// and proxy values are DECIMAL, never floats.
//
//	node report.mjs OUTCOMES.csv CATALOGUE.csv PROXIES.csv OUT.jsonl
import { DuckDBInstance } from '@duckdb/node-api';

const [outcomes, catalogue, proxies, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node report.mjs OUTCOMES.csv CATALOGUE.csv PROXIES.csv OUT.jsonl');
  process.exit(2);
}
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const start = process.hrtime.bigint();
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run(`
  CREATE TEMP TABLE rows AS
  SELECT o.contract, o.supplier, o.measure, m.theme_id, m.exclusive_group, o.period,
         o.quantity AS qty, o.date AS d,
         year(o.date) - CASE WHEN month(o.date) < 4 THEN 1 ELSE 0 END AS fy
  FROM read_csv(${q(outcomes)}, header = true, all_varchar = true,
                types = {'quantity': 'DECIMAL(18, 6)', 'date': 'DATE'}) o
  JOIN (SELECT DISTINCT measure_id, theme_id, exclusive_group
        FROM read_csv(${q(catalogue)}, header = true, all_varchar = true)) m
    ON m.measure_id = o.measure`);
await conn.run(`
  COPY (
    SELECT r.theme_id AS theme, r.contract, r.supplier,
           r.fy || '/' || lpad(CAST((r.fy + 1) % 100 AS VARCHAR), 2, '0') AS year,
           sum(r.qty * CAST(p.proxy_value AS DECIMAL(18, 6))) AS social_value,
           count(*) AS records
    FROM rows r
    LEFT JOIN read_csv(${q(proxies)}, header = true, all_varchar = true) p
      ON p.measure_id = r.measure
     AND p.proxy_year = r.fy || '/' || lpad(CAST((r.fy + 1) % 100 AS VARCHAR), 2, '0')
     AND p.proxy_value <> ''
    GROUP BY ALL ORDER BY ALL
  ) TO ${q(out)} (FORMAT json)`);
const totals = (await conn.runAndReadAll(`
  SELECT CAST(sum(social_value) AS VARCHAR) AS total, CAST(sum(records) AS VARCHAR) AS records, count(*) AS groups
  FROM read_json(${q(out)})`)).getRowObjectsJson()[0];
const dups = (await conn.runAndReadAll(`
  SELECT CAST(count(*) - count(DISTINCT (contract, supplier, coalesce(nullif(exclusive_group, ''), measure), d, qty, period)) AS VARCHAR) AS n
  FROM rows`)).getRowObjectsJson()[0];
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ socialValue: totals.total, records: totals.records, groups: totals.groups, duplicates: dups.n, seconds: secs }));
