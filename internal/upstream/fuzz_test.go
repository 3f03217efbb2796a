package upstream

import (
	"errors"
	"testing"
)

// checkDecoded asserts what any decoder result must satisfy: either a
// typed error, or a page whose every case is valid.
func checkDecoded(t *testing.T, pg *page, err error) {
	if err != nil {
		var ue *Error
		if !errors.As(err, &ue) {
			t.Fatalf("untyped error %T: %v", err, err)
		}
		if pg != nil {
			t.Fatalf("page returned with error %v", err)
		}
		return
	}
	if pg.total < 0 || len(pg.cases) > pg.records {
		t.Fatalf("inconsistent page: total %d, %d records, %d cases", pg.total, pg.records, len(pg.cases))
	}
	for i := range pg.cases {
		if msg := validateCase(&pg.cases[i]); msg != "" {
			t.Fatalf("decoded an invalid case: %s", msg)
		}
	}
}

// FuzzDecodeSigned feeds arbitrary bodies to the signed decoder: it must
// never panic and never let an invalid case through.
func FuzzDecodeSigned(f *testing.F) {
	f.Add(200, signedBody(validSignedCase))
	f.Add(200, signedBody(validSignedCase, `{"caseId":"c2","role":"applicant","result":"win","filingDate":"2024-01-01","closingDate":"2024-02-01","executionStatus":"executed","updatedAt":"2024-02-01T00:00:00Z"}`))
	f.Add(200, []byte(`{"code":5001,"message":"系统繁忙"}`))
	f.Add(503, []byte(`<html>503</html>`))
	f.Add(200, []byte(`{"code":0,"data":{"total":1,"cases":[null]}}`))
	f.Add(200, []byte(`{"code":0,"data":{"total":-1,"cases":[{}]}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		pg, err := decodeSigned(status, body)
		checkDecoded(t, pg, err)
	})
}

// FuzzDecodeTianyuan feeds arbitrary plaintexts (sealed properly, so they
// reach the record decoder) and arbitrary raw bodies to the tianyuan
// decoder.
func FuzzDecodeTianyuan(f *testing.F) {
	f.Add([]byte(`{"ent_name":"x","ent_code":"y","total":1,"page_num":1,"page_size":50,"list":[`+validTianyuanRecord+`]}`), []byte(`{"code":1002,"message":"参数解密失败"}`))
	f.Add([]byte(`{"total":2,"list":[`+validTianyuanRecord+`,`+noiseTianyuanRecord+`]}`), []byte(`{"code":0,"data":"AAAA"}`))
	f.Add([]byte(`{"total":1,"list":[{"n_laay":"劳动合同纠纷","d_larq":"2024-01-01","n_ssdw":"申请人","execution":[{}]}]}`), []byte(`garbage`))
	f.Add([]byte(`null`), []byte(`{"code":0,"data":null}`))
	f.Fuzz(func(t *testing.T, plain, raw []byte) {
		sealed, err := TianyuanSeal(testAESKey, plain)
		if err != nil {
			t.Fatal(err)
		}
		pg, err := decodeTianyuan(testAESKey, 200, []byte(`{"code":0,"message":"成功","data":"`+sealed+`"}`))
		checkDecoded(t, pg, err)
		pg, err = decodeTianyuan(testAESKey, 200, raw)
		checkDecoded(t, pg, err)
	})
}
