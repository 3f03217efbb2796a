// Package prometheus holds arbsync's Prometheus alert rules
// (arbsync.rules.yml) and their promtool unit tests
// (arbsync.rules.test.yml). It has no Go code: its tests run promtool on
// the rules, and check that the README shows exactly these rules.
package prometheus
