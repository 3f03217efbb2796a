package sim

import (
	"math"
	"math/bits"
)

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

// rng is a splitmix64 stream: tiny, fast, allocation-free and
// deterministic. It is not safe for concurrent use (each generator owns
// its own).
type rng struct{ s uint64 }

func newRNG(seed int64, code string, salt, index uint64) rng {
	return rng{s: hashKey(seed, code, salt, index)}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// float returns a uniform number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// intn returns a uniform integer in [0, n), n > 0.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a uniform float in [lo, hi).
func (r *rng) between(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

// norm returns a standard normal variate (Box–Muller).
func (r *rng) norm() float64 {
	u := 1 - r.float() // (0, 1]
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}

// exp returns an exponential variate with mean 1.
func (r *rng) exp() float64 { return -math.Log(1 - r.float()) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }
