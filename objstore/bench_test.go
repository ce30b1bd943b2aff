package objstore

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/warden-iam/warden"
)

func BenchmarkPutObject4KiB(b *testing.B) {
	s, _ := newStore(b)
	data := bytes.Repeat([]byte("x"), 4<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := s.PutObject(b.Context(), &warden.PutObjectInput{Bucket: "bucket", Key: fmt.Sprintf("k/%06d", i%1000), Body: bytes.NewReader(data), Size: int64(len(data))}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetObject4KiB(b *testing.B) {
	s, _ := newStore(b)
	put(b, s, "bucket", "key", string(bytes.Repeat([]byte("x"), 4<<10)))
	buf := make([]byte, 8<<10)
	b.SetBytes(4 << 10)
	b.ReportAllocs()
	for b.Loop() {
		obj, err := s.GetObject(b.Context(), "bucket", "key", nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{obj.Body}, buf); err != nil {
			b.Fatal(err)
		}
		obj.Body.Close()
	}
}

// BenchmarkListObjectsV2 lists a page of 1,000 keys from a bucket of
// 10,000, with a delimiter rolling some of them up.
func BenchmarkListObjectsV2(b *testing.B) {
	s, _ := newStore(b)
	for i := range 10000 {
		put(b, s, "bucket", fmt.Sprintf("jobs/%04d/part-%d", i/4, i%4), "")
	}
	b.ReportAllocs()
	for b.Loop() {
		page, err := s.ListObjectsV2(b.Context(), &warden.ListObjectsInput{Bucket: "bucket", Prefix: "jobs/", StartAfter: "jobs/0500", MaxKeys: 1000})
		if err != nil || len(page.Contents) != 1000 {
			b.Fatalf("%d keys, %v", len(page.Contents), err)
		}
	}
}
