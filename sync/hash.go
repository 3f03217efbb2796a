package casesync

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"slices"
	"strings"
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
)

// caseHash is the content hash stored in arbsync.cases.content_hash: every
// normalized field and the raw record, so any change the vendor makes to a
// case rewrites it.
func caseHash(h hash.Hash, c *upstream.Case) []byte {
	h.Reset()
	var buf [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		h.Write([]byte(s))
	}
	num := func(v int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	str(c.CaseID)
	str(c.CaseNo)
	str(c.Title)
	str(c.Cause)
	str(string(c.Role))
	num(int64(c.ClaimAmount))
	num(int64(c.AwardAmount))
	str(string(c.Result))
	str(c.FilingDate.String())
	if c.ClosingDate != nil {
		str(c.ClosingDate.String())
	} else {
		str("")
	}
	str(string(c.ExecutionStatus))
	num(int64(c.UnexecutedAmount))
	str(c.Committee)
	if c.UpdatedAt.IsZero() {
		str("")
	} else {
		str(c.UpdatedAt.UTC().Format(time.RFC3339Nano))
	}
	str(string(c.Raw))
	return h.Sum(nil)
}

// companyHash combines a company's case hashes, in case id order, into the
// value kept in sync_state.last_content_hash.
func companyHash(ids []string, hashes map[string][]byte) []byte {
	sorted := slices.Clone(ids)
	slices.SortFunc(sorted, strings.Compare)
	h := sha256.New()
	for _, id := range sorted {
		h.Write([]byte(id))
		h.Write([]byte{0})
		h.Write(hashes[id])
	}
	return h.Sum(nil)
}
