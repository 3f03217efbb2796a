// Package e2e holds end-to-end tests that run the real arbsync binary as a
// separate process against a real PostgreSQL and the simulator, and kill it:
// SIGKILL at random moments and SIGTERM during a pass. It has no non-test
// code.
package e2e
