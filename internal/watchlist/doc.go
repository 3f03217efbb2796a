// Package watchlist imports and exports the watchlist (arbsync.watchlist) as
// CSV, for admins who keep their list of companies in a spreadsheet.
//
// # The CSV format
//
// UTF-8, with or without a byte order mark; comma-separated; fields may be
// quoted (RFC 4180), and a quoted field may span lines. The first row is the
// header; columns are found by name (any order, case-insensitive, surrounding
// spaces ignored). Export writes exactly this shape, so its output can be
// edited and imported again:
//
//	credit_code,company_name,industry_code,enabled,note,refresh_interval,checksum_override
//	91440300708461136T,华为技术有限公司,39,true,,24h,false
//	91110000802100433B,北京银行股份有限公司,J,yes,"重点客户
//	两行备注",6h,false
//	91110108551385082A,某试点地区公司,c,是,,1 day,true
//
// The columns:
//
//	credit_code        required  unified social credit code (统一社会信用代码). Surrounding white
//	                             space is trimmed and letters are upper-cased, then the code must
//	                             be 18 characters of 0-9 A-H J-N P-R T U W-Y with a correct check
//	                             character (package uscc, the same rules as the database).
//	company_name       required  company name; surrounding spaces (U+0020, as the database's
//	                             btrim) are trimmed; must not be empty.
//	industry_code      required  GB/T 4754-2017 section (A-T) or division (01-97) present in
//	                             arbsync.industries; trimmed and upper-cased.
//	enabled            optional  true/false, 1/0, yes/no, 是/否 (case-insensitive). Empty or
//	                             absent: true.
//	note               optional  free text, stored as written. Absent column: existing notes are
//	                             kept (new rows get ''); an empty cell sets the note to ''.
//	refresh_interval   optional  a Go duration (6h, 90m, 1h30m) or PostgreSQL interval text
//	                             ('6 hours', '1 day', '1 day 02:00:00', 'P1D'), at least one
//	                             minute. Empty or absent: an existing row keeps its interval, a
//	                             new row gets 24 hours.
//	checksum_override  optional  a boolean as for enabled; true accepts a well-formed code whose
//	                             check character is wrong (a few real early pilot-region codes).
//	                             Empty or absent: false.
//
// Any other column is an error that names it; so is a column given twice or a
// required column that is missing. Rows whose fields are all empty (as some
// spreadsheets write after the data) are skipped. A field that is not UTF-8
// (a file saved as GBK, say) or holds a NUL character is reported instead of
// its row's other problems.
//
// # Import semantics
//
// [Import] reads the whole file and validates every row in Go before it
// touches the watchlist, with the database's own rules (package uscc for
// codes, the industries table for industry codes, PostgreSQL's interval input
// for interval text that is not a Go duration). Every problem is reported with
// the physical line it is on (the header is line 1; a quoted field that spans
// lines counts all of them), as a [*ValidationError]:
//
//	line 7: credit_code "91440300708461136A": check character is 'A' but the first 17 characters require 'T'
//	line 9: credit_code "91440300708461136T" duplicates line 4
//	line 12: company name is empty for credit code "91110108551385082Q"
//	line 14: refresh_interval "30s" for credit code "91110000802100433B" is shorter than the minimum 1 minute
//
// A problem the watchlist trigger also checks (an empty code, name or
// industry, an unknown industry, a refresh_interval under the minimum) is
// worded as the trigger words it, so an admin reads the same message from
// an import and from SQL.
//
// A malformed file (a row with a different number of fields than the header,
// a stray quote) stops the import at the first such line with an error that
// wraps the [*encoding/csv.ParseError] and names the line.
//
// If any row is bad nothing is changed. Otherwise all rows are applied in one
// transaction: codes not yet watched are inserted, watched codes are updated
// to the file's values, and a row that already has those values is not written
// at all (no trigger, audit row or notification), so importing the same file
// twice changes nothing the second time. Rows go to the database in chunks of
// 5,000, each one statement over unnested arrays; on a 2-core machine 100,000
// new rows take a few seconds (mostly the table's own checks and triggers) and an
// unchanged re-import under one. The transaction locks the watchlist against
// other writers (SHARE ROW EXCLUSIVE) until it commits, so an admin's edit
// waits for the import, or the import for the edit; readers are not blocked.
// Should the database still reject a row (an industry deleted meanwhile), the
// import rolls back and returns the database's message, which names the code,
// with the row's line.
//
// Import never deletes: codes that are watched but absent from the file are
// left alone. Disable a company with enabled = false, or delete its row in SQL.
//
// With [ImportOptions].DryRun the file is validated and the would-be inserts,
// updates and unchanged rows are counted in one read-only snapshot, and
// nothing is written.
//
// Values are compared as PostgreSQL compares them: an interval of '1 day'
// equals one of 24h. Notes compare a CR LF line break equal to LF, because a
// CSV reader turns a CR LF inside a quoted field into LF; a stored CR LF note
// is therefore kept as it is by an export and re-import.
//
// # Export
//
// [Export] writes every watchlist row in credit-code order with the header
// above, reading keyset pages from one repeatable-read snapshot, so it needs
// little memory whatever the watchlist's size and never shows a half-applied
// change. Intervals of whole seconds without days or months are written as Go
// durations (24h, 1h30m); others in PostgreSQL's form (1 day, 1 mon 02:00:00). Importing an
// export changes nothing. The output has no byte order mark; spreadsheet users
// should open it as UTF-8.
package watchlist
