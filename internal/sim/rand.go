package sim

import "math/rand/v2"

// Everything the simulator invents is derived from hashes of (seed, credit
// code, salt): no state, no precomputation, the same answer on every call
// and every machine.

// Salts separate the independent random streams of one company.
const (
	saltProfile uint64 = iota + 1
	saltArrivals
	saltCase
	saltNoiseArrivals
	saltNoiseCase
	saltUnknown
	saltName
	saltDistress
	saltCollective
)

// mix64 is the splitmix64 finalizer: a bijective, well-mixing hash step.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hashKey hashes (seed, code, salt, index) into 64 bits (FNV-1a over the
// code, then mixed).
func hashKey(seed int64, code string, salt uint64, index uint64) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(code); i++ {
		h ^= uint64(code[i])
		h *= 1099511628211
	}
	h = mix64(h ^ mix64(uint64(seed)))
	h = mix64(h ^ salt*0x9e3779b97f4a7c15)
	return mix64(h ^ index*0xd1b54a32d192ed03)
}

// newRNG returns the random stream of (seed, code, salt, index): math/rand/v2's
// PCG seeded with their hash. It is not safe for concurrent use (each
// generator owns its own).
func newRNG(seed int64, code string, salt, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(hashKey(seed, code, salt, index), 0))
}

// between returns a uniform float in [lo, hi).
func between(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
