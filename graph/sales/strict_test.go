package sales

import (
	"bytes"
	"encoding/json"
	"testing"
)

// decoderStrict is what parseEvent used before decodeStrict: a json.Decoder refusing unknown
// fields. decodeStrict must decide every input as it does, and decode the same values.
func decoderStrict[T any](data []byte) (T, bool) {
	var v T
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	ok := len(data) != 0 && d.Decode(&v) == nil
	return v, ok
}

func sameAsDecoder[T any](t *testing.T, data []byte, shape strictShape) bool {
	t.Helper()
	want, wantOK := decoderStrict[T](data)
	var got T
	gotOK := decodeStrict(data, &got, shape)
	if gotOK != wantOK || (gotOK && !equalJSON(got, want)) {
		t.Errorf("%s: decodeStrict %v %+v, the decoder %v %+v", data, gotOK, got, wantOK, want)
	}
	return gotOK
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestDecodeStrictDecidesAsTheDecoder(t *testing.T) {
	accepted := 0
	for _, in := range []string{
		`{"customer_id":"c1","name":"Mia","email":"mia@example.com","sponsor_id":"A"}`,
		` { "customer_id" : "c1" , "referral_id":"r-1" } `,
		`{"Customer_ID":"c1","NAME":"Mia"}`,          // encoding/json matches keys case-insensitively
		`{"customer_id":"c1","nickname":"M"}`,        // unknown
		`{"customer_id":"c1","customer_idx":"M"}`,    // unknown, a known one's prefix
		`{"customer_\u0069d":"c1"}`,                  // escaped: the decoder decides
		`{"customer_\u0069dx":"c1"}`,                 // escaped and unknown
		`{"naMe":"x","\u017fponsor_id":"A"}`,         // ſ folds to s in encoding/json
		`{"spon\u017for_id":"A","name":"é \" \\ }"}`, // escapes inside a value
		`{"name":"x","email":null}`, `{}`, `null`, `[]`, `"x"`, `7`, `true`,
		`{"name":{"first":"Mia"}}`, `{"name":["Mia"]}`, `{"name":1.5e3}`,
		`{"name":"a","name":"b"}`, `{"nope":{"a":[1,{"b":"}"}]},"name":"x"}`,
		``,
	} {
		if sameAsDecoder[signupData](t, []byte(in), signupShape) {
			accepted++
		}
	}
	if accepted < 6 {
		t.Fatalf("only %d of the table accepted: the table does not test acceptance", accepted)
	}
	sameAsDecoder[activationData](t, []byte(`{"activation_id":"a1","member_id":"c1","sku":"SOLAR-6KW"}`), activationShape)
	sameAsDecoder[activationData](t, []byte(`{"activation_id":"a1","member_id":"c1","sku":"SOLAR-6KW","bv":"9"}`), activationShape)
	sameAsDecoder[cancelData](t, []byte(`{"activation_id":"a1"}`), cancelShape)
	sameAsDecoder[cancelData](t, []byte(`{"activation_id":"a1","reason":"moved"}`), cancelShape)
	sameAsDecoder[referralData](t, []byte(`{"referral_id":"r1","status":"won","note":"signed"}`), referralShape)
	sameAsDecoder[referralData](t, []byte(`{"referral_id":"r1","Status":"won","extra":true}`), referralShape)
}

func FuzzDecodeStrict(f *testing.F) {
	for _, seed := range []string{
		`{"customer_id":"c1","name":"Mia","email":"mia@example.com","sponsor_id":"A"}`,
		`{"activation_id":"a1","member_id":"c1","sku":"SOLAR-6KW"}`,
		`{"referral_id":"r1","status":"won","note":"x"}`, `{"x":[1,{"y":"}"}]}}`, `{"Sku":"\u00e9"}`, `null`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !json.Valid([]byte(raw)) {
			return // parseEvent's data is a value of an event json.Unmarshal accepted
		}
		sameAsDecoder[signupData](t, []byte(raw), signupShape)
		sameAsDecoder[activationData](t, []byte(raw), activationShape)
		sameAsDecoder[cancelData](t, []byte(raw), cancelShape)
		sameAsDecoder[referralData](t, []byte(raw), referralShape)
	})
}
