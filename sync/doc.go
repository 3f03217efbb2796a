// Package casesync keeps arbsync.cases current with the upstream vendor: it
// claims due companies, fetches them, and stores what changed.
//
// # Naming
//
// The directory is sync, the product's word for the job (`arbsync sync`);
// the package is casesync, so that it never shadows the standard library's
// sync: not for its importers, who all use the one name casesync without an
// alias, and not inside, where "sync" is the standard library.
//
// # A pass
//
// A pass (RunPass) claims due companies in rounds with one statement,
// `UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)`, which gives each
// company a lease (sync_state.leased_by, lease_until). Any number of replicas
// may run passes against one database: SKIP LOCKED hands every due company to
// exactly one of them, and the leases of a replica that crashed expire so
// another picks its companies up. Claimed companies are fetched concurrently
// through the upstream client (which holds the QPS quota and concurrency);
// complete results flow to the writers (Options.Writers, two by default),
// each storing batches in its own transactions.
//
// # What a write does
//
// A company is written only when its fetch was complete and successful. A
// writer locks the sync_state rows it still leases (a company whose lease
// was lost to another replica is not written), compares the fetch with the
// stored cases by content hash, and in one transaction: copies new cases in
// (COPY), rewrites only cases whose content changed, marks cases the fetch no
// longer returned as removed (removed_at), clears removed_at on a case that
// returns, records sync_state, and calls the change hook (scoring and
// alerts) for companies whose cases changed. A company whose combined hash
// equals the last successful fetch's is not even diffed: an unchanged re-sync
// writes no case rows at all. A failed, partial or error response never
// touches the company's cases: only its sync_state records the failure and
// when to try again (capped exponential backoff; not_found waits for an admin
// to edit the watchlist row; permission errors stop the pass).
//
// If a batch transaction fails, each company of it is retried in its own
// transaction, so one bad company cannot hold back the others.
//
// # Shutdown
//
// Cancelling the pass's context stops claiming. Fetches already running get
// Options.Grace to finish and be stored; companies not finished by then have
// their leases released untouched, so the next pass (here or on another
// replica) takes them up at once.
package casesync
