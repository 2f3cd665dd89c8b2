-- make test-apps: Debian's sqlite3 shell built with r0cc runs this (sqlite3 DIR/apps.db
-- ".read script.sql") on the host, in ring 3 and in ring 0; the outputs must be the same.
-- A database file on disk: journal, locks, fsync, truncate and reopen all go through the
-- kernel. Nothing printed depends on the machine.
.bail on
.headers on
.mode list
PRAGMA journal_mode = DELETE;
DROP TABLE IF EXISTS t;
DROP TABLE IF EXISTS u;
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, grp INTEGER, val REAL);
CREATE TABLE u(grp INTEGER PRIMARY KEY, label TEXT);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO t(name, grp, val) SELECT printf('name-%05d', (i * 7919) % 5000), i % 17, (i * 37 % 1000) / 8.0 FROM n;
INSERT INTO u VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three'), (5, 'five'), (8, 'eight');
COMMIT;
CREATE INDEX t_grp ON t(grp, val);
SELECT count(*), sum(grp), round(avg(val), 4), min(name), max(name) FROM t;
SELECT grp, count(*) AS n, round(sum(val), 3) AS total FROM t GROUP BY grp HAVING n > 294 ORDER BY grp;
SELECT u.label, count(t.id) FROM u LEFT JOIN t ON t.grp = u.grp GROUP BY u.grp ORDER BY u.grp;
SELECT id, name, val, rank() OVER (PARTITION BY grp ORDER BY val DESC, id) AS r FROM t WHERE grp = 3 ORDER BY r LIMIT 5;
SELECT json_object('a', 1, 'b', json_array(1, 2.5, 'x')), json_extract('{"k":[10,20,30]}', '$.k[2]');
SELECT sqrt(2.0), pow(2, 0.5), round(ln(10), 10), length(randomblob(16)), upper('ring zero'), length(zeroblob(1000));
SELECT substr(group_concat(name, ','), 1, 60) FROM (SELECT name FROM t WHERE grp = 16 ORDER BY name LIMIT 8);
-- a rollback leaves nothing behind
BEGIN;
DELETE FROM t WHERE grp < 10;
SELECT count(*) AS during FROM t;
ROLLBACK;
SELECT count(*) AS after FROM t;
-- an update in a transaction, then reading back through the index
UPDATE t SET val = val * 2 WHERE grp = 7;
SELECT count(*), round(sum(val), 2) FROM t INDEXED BY t_grp WHERE grp = 7 AND val > 100;
PRAGMA integrity_check;
VACUUM;
SELECT (SELECT page_count FROM pragma_page_count()) > 10 AS pages_ok;
.mode csv
SELECT grp, label FROM u ORDER BY grp DESC LIMIT 3;
.mode box
SELECT 'done' AS status, (SELECT count(*) FROM t) AS n_rows;
