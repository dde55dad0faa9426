package evaluate

import (
	"hash/maphash"
	"math/rand/v2"
	"testing"
)

// supplierHash's shortcut for plain ASCII names hashes exactly what
// SupplierKey returns, for every kind of byte a name may hold.
func TestSupplierHashShortcut(t *testing.T) {
	seed := maphash.MakeSeed()
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("aZz AM09.&'-\t\n\x00\x7f")
	var buf [64]byte
	for iter := 0; iter < 20000; iter++ {
		name := make([]byte, r.IntN(12))
		for i := range name {
			name[i] = alphabet[r.IntN(len(alphabet))]
		}
		h, ok := supplierHash(seed, string(name), &buf)
		key := SupplierKey(string(name))
		if ok != (key != "") || (ok && h != maphash.String(seed, key)) {
			t.Fatalf("supplierHash(%q) differs from the hash of SupplierKey = %q", name, key)
		}
	}
}
