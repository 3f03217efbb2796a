package upstream

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/arbsync/arbsync/internal/money"
)

// TianyuanRecord is one case of the judicial big-data record family as the
// tianyuan company judicial product sends it (decrypted). Dates are
// "2006-01-02", d_gxsj is "2006-01-02 15:04:05" in UTC+8, amounts are yuan
// as JSON numbers or decimal strings.
//
// Mapping into Case (labor and personnel disputes only):
//
//	c_id          → CaseID            c_ah     → CaseNo
//	n_laay        → Cause             n_jbfy   → Committee
//	n_ssdw        → Role: 申请人/原告/上诉人/申请执行人 → applicant;
//	                被申请人/被告/被上诉人/被执行人 → respondent; 第三人 → third_party
//	n_qsbdje      → ClaimAmount       n_jabdje → AwardAmount
//	d_larq        → FilingDate        d_jarq   → ClosingDate ("" = none)
//	n_jafs + n_pj_victory → Result:
//	                no d_jarq and no n_jafs → pending;
//	                调解/和解/调解结案 → settled;
//	                撤诉/撤回申请/撤回仲裁申请/按撤诉处理/不予受理/终止审理/终结 → withdrawn;
//	                裁决/终局裁决/判决/驳回 → n_pj_victory 胜诉 → win, 败诉 → lose,
//	                部分胜诉/部分败诉 → partial (anything else is a bad response)
//	execution[]   → ExecutionStatus and UnexecutedAmount: no record → not_applicable;
//	                Σ n_wzxje = 0 → executed; Σ n_wzxje ≥ Σ n_sqzxbdje → unexecuted;
//	                otherwise partially_executed; UnexecutedAmount = Σ n_wzxje
//	c_dsrxx       → Title: "{申请人…}与{被申请人…}劳动争议" (人事争议 for personnel causes)
//	d_gxsj        → UpdatedAt (absent: the latest date of the record, 00:00 UTC+8)
//	the record    → Raw, byte for byte
//
// A record is a labor or personnel dispute when n_laay_tree names 劳动争议
// or 人事争议, or n_laay is one of those families' causes (劳动合同纠纷,
// 追索劳动报酬纠纷, 社会保险纠纷, 确认劳动关系纠纷, 经济补偿金纠纷,
// 工伤保险待遇纠纷, 劳务派遣合同纠纷, 福利待遇纠纷, 竞业限制纠纷, 聘用合同争议,
// …) or mentions 劳动/人事争议/工伤. Everything else (买卖合同纠纷, 劳务合同纠纷,
// …) is dropped: the product covers all litigation.
type TianyuanRecord struct {
	CID        string              `json:"c_id"`         // case id
	CAh        string              `json:"c_ah"`         // 案号, case number
	NAjlx      string              `json:"n_ajlx"`       // 案件类型, e.g. 劳动仲裁, 民事一审
	NLaay      string              `json:"n_laay"`       // 案由, cause
	NLaayTree  string              `json:"n_laay_tree"`  // cause hierarchy, comma-separated
	NSsdw      string              `json:"n_ssdw"`       // 诉讼地位 of the company
	NQsbdje    json.RawMessage     `json:"n_qsbdje"`     // 起诉标的金额, claim (yuan)
	NJabdje    json.RawMessage     `json:"n_jabdje"`     // 结案标的金额, award (yuan)
	DLarq      string              `json:"d_larq"`       // 立案日期, filed
	DJarq      string              `json:"d_jarq"`       // 结案日期, closed ("" while pending)
	NJafs      string              `json:"n_jafs"`       // 结案方式, closing method
	NPjVictory string              `json:"n_pj_victory"` // 胜诉估计, outcome for the company
	NJbfy      string              `json:"n_jbfy"`       // 经办法院/仲裁委, handling body
	CDsrxx     []TianyuanParty     `json:"c_dsrxx"`      // 当事人, parties
	Execution  []TianyuanExecution `json:"execution"`    // 执行记录, enforcement cases
	DGxsj      string              `json:"d_gxsj"`       // 更新时间, last change (UTC+8)
}

// TianyuanParty is one party of a record (当事人信息).
type TianyuanParty struct {
	CMc   string `json:"c_mc"`   // name
	NSsdw string `json:"n_ssdw"` // litigation status
}

// TianyuanExecution is one enforcement case attached to a record (执行记录).
type TianyuanExecution struct {
	CAh       string          `json:"c_ah"`       // enforcement case number
	DLarq     string          `json:"d_larq"`     // filed
	DJarq     string          `json:"d_jarq"`     // finished ("" while open)
	NJafs     string          `json:"n_jafs"`     // 执行完毕, 终结本次执行程序, …
	NSqzxbdje json.RawMessage `json:"n_sqzxbdje"` // amount applied for
	NWzxje    json.RawMessage `json:"n_wzxje"`    // amount not yet executed
}

// TianyuanUpdatedLayout is the layout of d_gxsj (UTC+8).
const TianyuanUpdatedLayout = "2006-01-02 15:04:05"

// IsLaborCause reports whether a record with this cause (n_laay) and cause
// tree (n_laay_tree) is a labor or personnel dispute.
func IsLaborCause(cause, tree string) bool {
	if strings.Contains(tree, "劳动争议") || strings.Contains(tree, "人事争议") {
		return true
	}
	switch cause {
	case "劳动争议", "劳动合同纠纷", "追索劳动报酬纠纷", "社会保险纠纷", "确认劳动关系纠纷",
		"经济补偿金纠纷", "工伤保险待遇纠纷", "劳务派遣合同纠纷", "福利待遇纠纷", "竞业限制纠纷",
		"养老保险待遇纠纷", "医疗保险待遇纠纷", "失业保险待遇纠纷", "生育保险待遇纠纷",
		"集体合同纠纷", "非全日制用工纠纷", "人事争议", "聘用合同争议", "聘任合同争议",
		"辞职争议", "辞退争议":
		return true
	}
	return strings.Contains(cause, "劳动") || strings.Contains(cause, "人事争议") || strings.Contains(cause, "工伤")
}

// IsPersonnelCause reports whether a labor-family cause belongs to the
// personnel (人事争议) branch, which titles name instead of 劳动争议.
func IsPersonnelCause(cause string) bool {
	switch cause {
	case "人事争议", "聘用合同争议", "聘任合同争议", "辞职争议", "辞退争议":
		return true
	}
	return false
}

// tianyuanRole maps n_ssdw.
func tianyuanRole(s string) (Role, bool) {
	switch s {
	case "申请人", "原告", "上诉人", "申请执行人":
		return RoleApplicant, true
	case "被申请人", "被告", "被上诉人", "被执行人":
		return RoleRespondent, true
	case "第三人":
		return RoleThirdParty, true
	}
	return "", false
}

// tianyuanResult maps n_jafs and n_pj_victory; msg names the bad field.
func tianyuanResult(jafs, victory string, closed bool) (r Result, msg string) {
	if !closed {
		if jafs != "" {
			return "", fmt.Sprintf("field d_jarq: missing although n_jafs is %q", jafs)
		}
		return ResultPending, ""
	}
	switch jafs {
	case "":
		return "", "field n_jafs: empty on a closed case"
	case "调解", "和解", "调解结案":
		return ResultSettled, ""
	case "撤诉", "撤回申请", "撤回仲裁申请", "按撤诉处理", "不予受理", "终止审理", "终结":
		return ResultWithdrawn, ""
	case "裁决", "终局裁决", "判决", "驳回":
		switch victory {
		case "胜诉":
			return ResultWin, ""
		case "败诉":
			return ResultLose, ""
		case "部分胜诉", "部分败诉":
			return ResultPartial, ""
		}
		return "", fmt.Sprintf("field n_pj_victory: unknown value %q for n_jafs %q", victory, jafs)
	}
	return "", fmt.Sprintf("field n_jafs: unknown value %q", jafs)
}

// tianyuanTitle builds "{applicants}与{respondents}劳动争议".
func tianyuanTitle(parties []TianyuanParty, cause string) string {
	var apps, resps []string
	for _, p := range parties {
		switch r, _ := tianyuanRole(p.NSsdw); r {
		case RoleApplicant:
			apps = append(apps, p.CMc)
		case RoleRespondent:
			resps = append(resps, p.CMc)
		}
	}
	family := "劳动争议"
	if IsPersonnelCause(cause) {
		family = "人事争议"
	}
	if len(apps) == 0 && len(resps) == 0 {
		return family
	}
	return strings.Join(apps, "、") + "与" + strings.Join(resps, "、") + family
}

// tianyuanToCase maps one record. keep is false for non-labor records;
// msg names the field at fault.
func tianyuanToCase(raw json.RawMessage, zone *time.Location) (c Case, keep bool, msg string) {
	var r TianyuanRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return Case{}, false, fmt.Sprintf("not a record object: %v", err)
	}
	c.CaseID = r.CID
	if !IsLaborCause(r.NLaay, r.NLaayTree) {
		return c, false, ""
	}
	c.CaseNo, c.Cause, c.Committee, c.Raw = r.CAh, r.NLaay, r.NJbfy, raw
	role, ok := tianyuanRole(r.NSsdw)
	if !ok {
		return c, false, fmt.Sprintf("field n_ssdw: unknown value %q", r.NSsdw)
	}
	c.Role = role
	var err error
	if c.ClaimAmount, err = parseAmount(r.NQsbdje); err != nil {
		return c, false, "field n_qsbdje: " + err.Error()
	}
	if c.AwardAmount, err = parseAmount(r.NJabdje); err != nil {
		return c, false, "field n_jabdje: " + err.Error()
	}
	if r.DLarq == "" {
		return c, false, "field d_larq: missing"
	}
	fd, err := parseOptionalDate(r.DLarq)
	if err != nil {
		return c, false, "field d_larq: " + err.Error()
	}
	c.FilingDate = *fd
	if c.ClosingDate, err = parseOptionalDate(r.DJarq); err != nil {
		return c, false, "field d_jarq: " + err.Error()
	}
	if c.Result, msg = tianyuanResult(r.NJafs, r.NPjVictory, c.ClosingDate != nil); msg != "" {
		return c, false, msg
	}
	latest := c.FilingDate.Time
	if c.ClosingDate != nil && c.ClosingDate.After(latest) {
		latest = c.ClosingDate.Time
	}
	if c.ExecutionStatus, c.UnexecutedAmount, latest, msg = tianyuanExecution(r.Execution, latest); msg != "" {
		return c, false, msg
	}
	c.Title = tianyuanTitle(r.CDsrxx, r.NLaay)
	if r.DGxsj == "" {
		y, m, d := latest.Date()
		c.UpdatedAt = time.Date(y, m, d, 0, 0, 0, 0, zone).UTC()
	} else {
		u, err := time.ParseInLocation(TianyuanUpdatedLayout, r.DGxsj, zone)
		if err != nil {
			return c, false, fmt.Sprintf("field d_gxsj: %q is not a time like 2025-03-14 10:22:31", r.DGxsj)
		}
		c.UpdatedAt = u.UTC()
	}
	if msg := validateCase(&c); msg != "" {
		return c, false, msg
	}
	return c, true, ""
}

// tianyuanExecution derives the execution status from the enforcement
// records and returns the latest date seen in them.
func tianyuanExecution(recs []TianyuanExecution, latest time.Time) (ExecutionStatus, money.Fen, time.Time, string) {
	if len(recs) == 0 {
		return ExecNotApplicable, 0, latest, ""
	}
	var applied, open money.Fen
	for i, e := range recs {
		a, err := parseAmount(e.NSqzxbdje)
		if err != nil {
			return "", 0, latest, fmt.Sprintf("field execution[%d].n_sqzxbdje: %v", i, err)
		}
		u, err := parseAmount(e.NWzxje)
		if err != nil {
			return "", 0, latest, fmt.Sprintf("field execution[%d].n_wzxje: %v", i, err)
		}
		applied, open = applied+a, open+u
		for _, s := range []string{e.DLarq, e.DJarq} {
			d, err := parseOptionalDate(s)
			if err != nil {
				return "", 0, latest, fmt.Sprintf("field execution[%d] date: %v", i, err)
			}
			if d != nil && d.After(latest) {
				latest = d.Time
			}
		}
	}
	switch {
	case open == 0:
		return ExecExecuted, 0, latest, ""
	case open >= applied:
		return ExecUnexecuted, open, latest, ""
	default:
		return ExecPartiallyExecuted, open, latest, ""
	}
}
