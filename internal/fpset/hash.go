package fpset

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

// Keys are hashed once into 128 bits: h1 is maphash, h2 a multiply-fold
// hash (wyhash's construction) with secrets of its own; both are seeded
// for the process, so that sets in one process (shards to merge) agree,
// and input cannot aim at a collision. The two are computed differently
// from independent seeds; taking them as independent 64-bit hashes, two
// different keys collide with probability 2⁻¹²⁸ per pair: about 10⁻²⁶ for
// a million keys, 10⁻²⁰ for a billion.

var (
	seed1 = maphash.MakeSeed()
	seed2 = newFoldKey(rand.Uint64())
)

// Hash returns the fingerprint of key b (Seq zero). Equal keys hash alike
// within one process; the hash differs from one process to the next.
func Hash(b []byte) FP {
	return FP{H1: maphash.Bytes(seed1, b), H2: foldHash(b, seed2)}
}

// foldHash is a 64-bit multiply-fold hash of b, after wyhash: each 16
// bytes are folded into the state by a 64×64→128-bit product of two words,
// one xored with a secret and one with the state, its halves xored; the
// tail is read as two (overlapping) words, and the length is mixed in. The
// secrets derive from a seed (see newFoldKey), so that input cannot be
// made to zero a product on purpose.
func foldHash(b []byte, key *foldKey) uint64 {
	k1, k2, k3 := key.k1, key.k2, key.k3
	n := uint64(len(b))
	h := mum(k1, n^k3)
	for len(b) > 16 {
		h = mum(binary.LittleEndian.Uint64(b)^k2, binary.LittleEndian.Uint64(b[8:])^h)
		b = b[16:]
	}
	var x, y uint64
	switch l := len(b); {
	case l >= 8:
		x, y = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[l-8:])
	case l >= 4:
		x, y = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[l-4:]))
	case l > 0:
		x = uint64(b[0])<<16 | uint64(b[l/2])<<8 | uint64(b[l-1])
	}
	h = mum(x^k2, y^h)
	return mum(h^k3, n^k1)
}

// foldKey is the secrets of foldHash, derived from a seed once.
type foldKey struct{ k1, k2, k3 uint64 }

func newFoldKey(seed uint64) *foldKey {
	k1 := seed ^ 0xa0761d6478bd642f
	k2 := mum(k1, 0xe7037ed1a0b428db) | 1
	return &foldKey{k1, k2, mum(k2, 0x8ebc6af09c88c6e3)}
}

func mum(x, y uint64) uint64 {
	hi, lo := bits.Mul64(x, y)
	return hi ^ lo
}
