package sim

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arbsync/arbsync/internal/backoff"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

// tianyuanMessage is the vendor's message for a code.
func tianyuanMessage(code int) string {
	switch code {
	case 0:
		return "成功"
	case 1000:
		return "查询为空"
	case 1001:
		return "接口异常"
	case 1002:
		return "参数解密失败"
	case 1003:
		return "参数校验不正确"
	case 1004:
		return "IP未授权"
	case 1005:
		return "缺少Access-Id"
	case 1006:
		return "AccessId未授权"
	case 1007:
		return "余额不足"
	case 1008:
		return "未开通此产品"
	case 2001:
		return "业务失败"
	}
	return "未知错误"
}

// tianyuanEnvelope is the response wrapper; data is sealed.
type tianyuanEnvelope struct {
	Code          int    `json:"code"`
	Message       string `json:"message"`
	TransactionID string `json:"transaction_id"`
	Data          string `json:"data"`
}

// tianyuanParams is the decrypted request.
type tianyuanParams struct {
	EntName  string `json:"ent_name"`
	EntCode  string `json:"ent_code"`
	PageNum  int    `json:"page_num"`
	PageSize int    `json:"page_size"`
}

// tianyuanData is the decrypted response data.
type tianyuanData struct {
	EntName  string           `json:"ent_name"`
	EntCode  string           `json:"ent_code"`
	Total    *int             `json:"total"`
	PageNum  int              `json:"page_num"`
	PageSize int              `json:"page_size"`
	List     []tianyuanRecord `json:"list"`
}

// tianyuanRecord is one judicial case record as the vendor sends it.
type tianyuanRecord struct {
	CID        string          `json:"c_id"`
	CAh        string          `json:"c_ah"`
	NAjlx      string          `json:"n_ajlx"`
	NLaay      string          `json:"n_laay"`
	NLaayTree  string          `json:"n_laay_tree"`
	NSsdw      string          `json:"n_ssdw"`
	NQsbdje    json.Number     `json:"n_qsbdje"`
	NJabdje    json.Number     `json:"n_jabdje"`
	DLarq      string          `json:"d_larq"`
	DJarq      string          `json:"d_jarq"`
	NJafs      string          `json:"n_jafs"`
	NPjVictory string          `json:"n_pj_victory"`
	NJbfy      string          `json:"n_jbfy"`
	CDsrxx     []tianyuanParty `json:"c_dsrxx"`
	Execution  []tianyuanExec  `json:"execution"`
	DGxsj      string          `json:"d_gxsj"`
}

type tianyuanParty struct {
	CMc   string `json:"c_mc"`
	NSsdw string `json:"n_ssdw"`
}

type tianyuanExec struct {
	CAh       string      `json:"c_ah"`
	DLarq     string      `json:"d_larq"`
	DJarq     string      `json:"d_jarq"`
	NJafs     string      `json:"n_jafs"`
	NSqzxbdje json.Number `json:"n_sqzxbdje"`
	NWzxje    json.Number `json:"n_wzxje"`
}

func amountNumber(f money.Fen) json.Number { return json.Number(f.String()) }

// laborRecord renders a labor case view as a judicial record.
func laborRecord(v *caseView, d day, zone *time.Location) tianyuanRecord {
	c, pc := &v.c, v.plan
	family := "劳动争议"
	if pc.personnel {
		family = "人事争议"
	}
	rec := tianyuanRecord{
		CID: c.CaseID, CAh: c.CaseNo, NAjlx: "劳动仲裁", NLaay: c.Cause,
		NLaayTree: "劳动争议、人事争议," + family + "," + c.Cause,
		NQsbdje:   amountNumber(c.ClaimAmount), NJabdje: amountNumber(c.AwardAmount),
		DLarq: c.FilingDate.String(), NJbfy: c.Committee,
		DGxsj: c.UpdatedAt.In(zone).Format(upstream.TianyuanUpdatedLayout),
	}
	switch c.Role {
	case upstream.RoleApplicant:
		rec.NSsdw = "申请人"
	case upstream.RoleRespondent:
		rec.NSsdw = "被申请人"
	default:
		rec.NSsdw = "第三人"
	}
	for _, n := range pc.applicants {
		rec.CDsrxx = append(rec.CDsrxx, tianyuanParty{n, "申请人"})
	}
	for _, n := range pc.respondents {
		rec.CDsrxx = append(rec.CDsrxx, tianyuanParty{n, "被申请人"})
	}
	if pc.thirdParty != "" {
		rec.CDsrxx = append(rec.CDsrxx, tianyuanParty{pc.thirdParty, "第三人"})
	}
	if c.ClosingDate != nil {
		rec.DJarq = c.ClosingDate.String()
		switch c.Result {
		case upstream.ResultSettled:
			rec.NJafs = "调解"
		case upstream.ResultWithdrawn:
			rec.NJafs = "撤诉"
		case upstream.ResultWin:
			rec.NJafs, rec.NPjVictory = "裁决", "胜诉"
		case upstream.ResultLose:
			rec.NJafs, rec.NPjVictory = "裁决", "败诉"
		case upstream.ResultPartial:
			rec.NJafs, rec.NPjVictory = "裁决", "部分胜诉"
		}
	}
	if c.ExecutionStatus != upstream.ExecNotApplicable {
		e := tianyuanExec{
			CAh: pc.enforceNo, DLarq: pc.enforced.String(),
			NSqzxbdje: amountNumber(c.AwardAmount), NWzxje: amountNumber(c.UnexecutedAmount),
		}
		if pc.settledExec != 0 && pc.settledExec <= d {
			e.DJarq = pc.settledExec.String()
			if c.ExecutionStatus == upstream.ExecExecuted {
				e.NJafs = "执行完毕"
			} else {
				e.NJafs = "终结本次执行程序"
			}
		}
		rec.Execution = []tianyuanExec{e}
	}
	return rec
}

// noiseCase is a non-labor lawsuit of the company: the judicial product
// returns all litigation, and the client must drop these.
type noiseCase struct {
	id, caseNo, cause, tree, court, role, other string
	amount, award                               money.Fen
	filed, closes                               day
	jafs, victory                               string
	tod                                         [2]int
}

// noiseCauses are civil causes outside the labor family. 劳务合同纠纷 is a
// civil service contract, not labor: a classic trap for a naive filter.
var noiseCauses = [...]struct{ name, tree string }{
	{"买卖合同纠纷", "合同、准合同纠纷,合同纠纷,买卖合同纠纷"},
	{"民间借贷纠纷", "合同、准合同纠纷,合同纠纷,借款合同纠纷,民间借贷纠纷"},
	{"租赁合同纠纷", "合同、准合同纠纷,合同纠纷,租赁合同纠纷"},
	{"劳务合同纠纷", "合同、准合同纠纷,合同纠纷,劳务合同纠纷"},
	{"建设工程施工合同纠纷", "合同、准合同纠纷,合同纠纷,建设工程合同纠纷,建设工程施工合同纠纷"},
	{"服务合同纠纷", "合同、准合同纠纷,合同纠纷,服务合同纠纷"},
	{"机动车交通事故责任纠纷", "侵权责任纠纷,机动车交通事故责任纠纷"},
}

// noiseRate is the company's yearly rate of non-labor lawsuits.
func noiseRate(p *CompanyProfile) float64 { return min(0.2+0.3*p.DisputeRate, 20) }

func planNoise(seed int64, p *CompanyProfile, i int, filed day) noiseCase {
	r := newRNG(seed, p.CreditCode, saltNoiseCase, uint64(i))
	home := &places[p.home]
	nc := noiseCauses[r.IntN(len(noiseCauses))]
	n := noiseCase{
		id:    strconv.FormatUint(r.Uint64()|1<<63, 16) + strconv.FormatUint(r.Uint64()|1<<63, 16),
		cause: nc.name, tree: nc.tree, court: home.court, filed: filed,
		role:  pick(r, "原告", "被告"),
		other: home.city + pickRune(brandChars, r) + pickRune(brandChars, r) + pick(r, "商贸", "建材", "实业", "科技") + "有限公司",
	}
	n.caseNo = "（" + strconv.Itoa(filed.time().Year()) + "）" + home.courtCode + "民初" + strconv.Itoa(1+r.IntN(40000)) + "号"
	n.amount = money.Fen(math.Round(8_000_000 * math.Exp(1.2*r.NormFloat64())))
	n.closes = filed + 30 + day(120*r.ExpFloat64())
	switch x := r.Float64(); {
	case x < 0.5:
		n.jafs = "判决"
		n.victory = pick(r, "胜诉", "败诉", "部分胜诉")
		if n.victory != "胜诉" {
			n.award = fraction(n.amount, between(r, 0.3, 1))
		}
	case x < 0.85:
		n.jafs = "调解"
		n.award = fraction(n.amount, between(r, 0.3, 0.9))
	default:
		n.jafs = "撤诉"
	}
	n.tod = [2]int{8*3600 + r.IntN(12*3600), 8*3600 + r.IntN(12*3600)}
	return n
}

func (n *noiseCase) record(d day, company string, zone *time.Location) tianyuanRecord {
	rec := tianyuanRecord{
		CID: n.id, CAh: n.caseNo, NAjlx: "民事一审", NLaay: n.cause, NLaayTree: n.tree, NSsdw: n.role,
		NQsbdje: amountNumber(n.amount), NJabdje: amountNumber(0), DLarq: n.filed.String(), NJbfy: n.court,
		DGxsj: n.filed.at(n.tod[0]).In(zone).Format(upstream.TianyuanUpdatedLayout),
	}
	plaintiff, defendant := company, n.other
	if n.role == "被告" {
		plaintiff, defendant = n.other, company
	}
	rec.CDsrxx = []tianyuanParty{{plaintiff, "原告"}, {defendant, "被告"}}
	if n.closes <= d {
		rec.DJarq, rec.NJafs, rec.NPjVictory = n.closes.String(), n.jafs, n.victory
		rec.NJabdje = amountNumber(n.award)
		rec.DGxsj = n.closes.at(n.tod[1]).In(zone).Format(upstream.TianyuanUpdatedLayout)
	}
	return rec
}

// tianyuanItem is one record of the product's list before rendering.
type tianyuanItem struct {
	filed day
	id    string
	labor *caseView
	noise *noiseCase
}

// tianyuanItems returns all records of a company on day d, newest first.
func tianyuanItems(seed int64, p *CompanyProfile, d day) []tianyuanItem {
	views := companyCases(seed, p, d)
	items := make([]tianyuanItem, 0, len(views)+4)
	for i := range views {
		items = append(items, tianyuanItem{filed: views[i].plan.filed, id: views[i].c.CaseID, labor: &views[i]})
	}
	arrivals(seed, p, saltNoiseArrivals, noiseRate(p), d, func(i int, filed day) {
		n := planNoise(seed, p, i, filed)
		items = append(items, tianyuanItem{filed: filed, id: n.id, noise: &n})
	})
	slices.SortFunc(items, func(a, b tianyuanItem) int {
		if n := int(b.filed - a.filed); n != 0 {
			return n
		}
		return strings.Compare(a.id, b.id)
	})
	return items
}

func (s *Server) tianyuanError(w http.ResponseWriter, status, code int) {
	s.writeJSON(w, status, tianyuanEnvelope{Code: code, Message: tianyuanMessage(code), TransactionID: s.requestID()})
}

// serveTianyuan answers POST /api/v1/{product}?t=….
func (s *Server) serveTianyuan(w http.ResponseWriter, r *http.Request, body []byte) {
	const proto = ProtocolTianyuan
	fail := func(code string, status, c int) {
		s.logRequest(proto, code, describe("code", c))
		s.tianyuanError(w, status, c)
	}
	accessID := r.Header.Get("Access-Id")
	switch {
	case accessID == "":
		fail("", http.StatusOK, 1005)
		return
	case accessID != s.cfg.AccessID:
		fail("", http.StatusOK, 1006)
		return
	case r.PathValue("product") != s.cfg.Product:
		fail("", http.StatusOK, 1008)
		return
	}
	if _, err := strconv.ParseInt(r.URL.Query().Get("t"), 10, 64); err != nil {
		fail("", http.StatusOK, 1003)
		return
	}
	var req struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Data == "" {
		fail("", http.StatusOK, 1003)
		return
	}
	plain, err := upstream.TianyuanOpen(s.aesKey, req.Data)
	if err != nil {
		fail("", http.StatusOK, 1002)
		return
	}
	var params tianyuanParams
	if err := json.Unmarshal(plain, &params); err != nil || !uscc.FormatValid(params.EntCode) {
		fail("", http.StatusOK, 1003)
		return
	}
	code := params.EntCode
	s.stats.code(code)
	if s.permissionDenied() {
		fail(code, http.StatusOK, 1008)
		return
	}
	if s.overQuota() {
		s.logRequest(proto, code, "quota")
		w.Header().Set("Retry-After", "1")
		s.writeJSON(w, http.StatusTooManyRequests, tianyuanEnvelope{Code: 1001, Message: "请求过于频繁", TransactionID: s.requestID()})
		return
	}
	f := s.drawFault(proto)
	switch f.kind {
	case faultHang:
		_ = backoff.Sleep(r.Context(), f.hangFor) // or until the client leaves
	case faultCode:
		fail(code, http.StatusOK, f.code)
		return
	case faultHTTP:
		s.logRequest(proto, code, describe("http", f.code))
		s.writeHTTPFault(w, f.code)
		return
	case faultGarbage:
		s.logRequest(proto, code, "garbage")
		s.writeGarbage(w)
		return
	}
	if !s.Known(code) {
		fail(code, http.StatusOK, 1000)
		return
	}
	p := Profile(s.cfg.Seed, code)
	d := day(s.date.Load())
	items := tianyuanItems(s.cfg.Seed, &p, d)
	num, size, lo, hi := s.pageBounds(params.PageNum, params.PageSize, len(items))
	zone := time.FixedZone("CST", chinaOffset)
	total := len(items)
	data := tianyuanData{EntName: p.Name, EntCode: code, Total: &total, PageNum: num, PageSize: size, List: make([]tianyuanRecord, 0, hi-lo)}
	for _, it := range items[lo:hi] {
		if it.labor != nil {
			data.List = append(data.List, laborRecord(it.labor, d, zone))
		} else {
			data.List = append(data.List, it.noise.record(d, p.Name, zone))
		}
	}
	if f.kind == faultMalformed {
		s.corruptTianyuan(&data)
	}
	plainOut, err := json.Marshal(data)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	sealed, err := upstream.TianyuanSeal(s.aesKey, plainOut)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	b, err := json.Marshal(tianyuanEnvelope{Code: 0, Message: tianyuanMessage(0), TransactionID: s.requestID(), Data: sealed})
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.logRequest(proto, code, faultOutcome(f))
	s.deliver(w, f, b)
}

// corruptTianyuan breaks one field of the first labor record, or the total
// when the page has none.
func (s *Server) corruptTianyuan(data *tianyuanData) {
	for i := range data.List {
		rec := &data.List[i]
		if rec.NAjlx != "劳动仲裁" {
			continue
		}
		s.mu.Lock()
		which := s.dice.IntN(3)
		s.mu.Unlock()
		switch which {
		case 0:
			rec.NSsdw = "负责人"
		case 1:
			rec.NQsbdje = "1.5e4"
		default:
			rec.DLarq = "2025-02-30"
		}
		return
	}
	data.Total = nil
}
