package sim

import (
	"fmt"
	"math/rand/v2"
)

// place is a labor-dispute arbitration committee and the court of the
// same district (for the non-labor litigation the tianyuan product also
// returns).
type place struct {
	prov      string // province digits of credit codes (positions 3-4)
	city      string // city name used in company names
	committee string // 劳动人事争议仲裁委员会
	caseNo    string // case number format: year, sequence
	court     string // district court
	courtCode string // court code in civil case numbers, e.g. 京0105
}

// caseNumber formats a case number of this committee.
func (p *place) caseNumber(year, seq int) string { return fmt.Sprintf(p.caseNo, year, seq) }

// places are the committees cases are heard by, with each committee's own
// case-number style. Entries of one province are contiguous (homePlace and
// hearingPlace rely on it). Read-only.
var places = [...]place{
	{"11", "北京", "北京市朝阳区劳动人事争议仲裁委员会", "京朝劳人仲字〔%d〕第%d号", "北京市朝阳区人民法院", "京0105"},
	{"11", "北京", "北京市海淀区劳动人事争议仲裁委员会", "京海劳人仲字〔%d〕第%d号", "北京市海淀区人民法院", "京0108"},
	{"11", "北京", "北京市丰台区劳动人事争议仲裁委员会", "京丰劳人仲字〔%d〕第%d号", "北京市丰台区人民法院", "京0106"},
	{"11", "北京", "北京市东城区劳动人事争议仲裁委员会", "京东劳人仲字〔%d〕第%d号", "北京市东城区人民法院", "京0101"},
	{"11", "北京", "北京市大兴区劳动人事争议仲裁委员会", "京兴劳人仲字〔%d〕第%d号", "北京市大兴区人民法院", "京0115"},
	{"12", "天津", "天津市滨海新区劳动人事争议仲裁委员会", "津滨劳人仲字〔%d〕第%d号", "天津市滨海新区人民法院", "津0116"},
	{"12", "天津", "天津市和平区劳动人事争议仲裁委员会", "津和劳人仲字〔%d〕第%d号", "天津市和平区人民法院", "津0101"},
	{"13", "石家庄", "石家庄市长安区劳动人事争议仲裁委员会", "石长劳人仲案字〔%d〕第%d号", "石家庄市长安区人民法院", "冀0102"},
	{"14", "太原", "太原市小店区劳动人事争议仲裁委员会", "并小劳人仲字〔%d〕第%d号", "太原市小店区人民法院", "晋0105"},
	{"21", "沈阳", "沈阳市和平区劳动人事争议仲裁委员会", "沈和劳人仲字〔%d〕第%d号", "沈阳市和平区人民法院", "辽0102"},
	{"21", "大连", "大连市中山区劳动人事争议仲裁委员会", "连中劳人仲字〔%d〕第%d号", "大连市中山区人民法院", "辽0202"},
	{"31", "上海", "上海市浦东新区劳动人事争议仲裁委员会", "沪浦劳人仲（%d）办字第%d号", "上海市浦东新区人民法院", "沪0115"},
	{"31", "上海", "上海市徐汇区劳动人事争议仲裁委员会", "沪徐劳人仲（%d）办字第%d号", "上海市徐汇区人民法院", "沪0104"},
	{"31", "上海", "上海市闵行区劳动人事争议仲裁委员会", "沪闵劳人仲（%d）办字第%d号", "上海市闵行区人民法院", "沪0112"},
	{"31", "上海", "上海市静安区劳动人事争议仲裁委员会", "沪静劳人仲（%d）办字第%d号", "上海市静安区人民法院", "沪0106"},
	{"32", "南京", "南京市江宁区劳动人事争议仲裁委员会", "宁江劳人仲案字〔%d〕第%d号", "南京市江宁区人民法院", "苏0115"},
	{"32", "苏州", "苏州工业园区劳动人事争议仲裁委员会", "苏园劳人仲案字〔%d〕第%d号", "苏州工业园区人民法院", "苏0591"},
	{"32", "无锡", "无锡市新吴区劳动人事争议仲裁委员会", "锡新劳人仲案字〔%d〕第%d号", "无锡市新吴区人民法院", "苏0214"},
	{"33", "杭州", "杭州市西湖区劳动人事争议仲裁委员会", "杭西劳人仲案〔%d〕%d号", "杭州市西湖区人民法院", "浙0106"},
	{"33", "宁波", "宁波市鄞州区劳动人事争议仲裁委员会", "甬鄞劳人仲案字〔%d〕第%d号", "宁波市鄞州区人民法院", "浙0212"},
	{"33", "义乌", "义乌市劳动人事争议仲裁委员会", "义劳人仲案字〔%d〕第%d号", "义乌市人民法院", "浙0782"},
	{"34", "合肥", "合肥市蜀山区劳动人事争议仲裁委员会", "合蜀劳人仲字〔%d〕第%d号", "合肥市蜀山区人民法院", "皖0104"},
	{"35", "厦门", "厦门市思明区劳动人事争议仲裁委员会", "厦思劳人仲案〔%d〕%d号", "厦门市思明区人民法院", "闽0203"},
	{"37", "青岛", "青岛市黄岛区劳动人事争议仲裁委员会", "青黄劳人仲案字〔%d〕第%d号", "青岛市黄岛区人民法院", "鲁0211"},
	{"37", "济南", "济南市历下区劳动人事争议仲裁委员会", "济历劳人仲案字〔%d〕第%d号", "济南市历下区人民法院", "鲁0102"},
	{"41", "郑州", "郑州市金水区劳动人事争议仲裁委员会", "郑金劳人仲案字〔%d〕第%d号", "郑州市金水区人民法院", "豫0105"},
	{"42", "武汉", "武汉市洪山区劳动人事争议仲裁委员会", "武洪劳人仲裁字〔%d〕第%d号", "武汉市洪山区人民法院", "鄂0111"},
	{"43", "长沙", "长沙市岳麓区劳动人事争议仲裁委员会", "长岳劳人仲案字〔%d〕第%d号", "长沙市岳麓区人民法院", "湘0104"},
	{"44", "广州", "广州市天河区劳动人事争议仲裁委员会", "穗天劳人仲案字〔%d〕%d号", "广州市天河区人民法院", "粤0106"},
	{"44", "深圳", "深圳市南山区劳动人事争议仲裁委员会", "深南劳人仲案〔%d〕%d号", "深圳市南山区人民法院", "粤0305"},
	{"44", "深圳", "深圳市宝安区劳动人事争议仲裁委员会", "深宝劳人仲案〔%d〕%d号", "深圳市宝安区人民法院", "粤0306"},
	{"44", "东莞", "东莞市劳动人事争议仲裁院", "东劳人仲院案字〔%d〕%d号", "东莞市第一人民法院", "粤1971"},
	{"44", "佛山", "佛山市南海区劳动人事争议仲裁委员会", "佛南劳人仲案字〔%d〕%d号", "佛山市南海区人民法院", "粤0605"},
	{"50", "重庆", "重庆市渝北区劳动人事争议仲裁委员会", "渝北劳人仲案字〔%d〕第%d号", "重庆市渝北区人民法院", "渝0112"},
	{"51", "成都", "成都市武侯区劳动人事争议仲裁委员会", "成武劳人仲委案〔%d〕%d号", "成都市武侯区人民法院", "川0107"},
	{"61", "西安", "西安市雁塔区劳动人事争议仲裁委员会", "雁劳人仲案字〔%d〕第%d号", "西安市雁塔区人民法院", "陕0113"},
}

// homePlace picks a company's home committee: one in the province its
// credit code names (positions 3-4 are the province of registration) when
// the table has one, otherwise any.
func homePlace(code string, r *rand.Rand) int {
	if len(code) >= 4 {
		prov := code[2:4]
		first, n := -1, 0
		for i := range places {
			if places[i].prov == prov {
				if first < 0 {
					first = i
				}
				n++
			}
		}
		if n > 0 {
			return first + r.IntN(n)
		}
	}
	return r.IntN(len(places))
}

// hearingPlace picks where one case is heard: the home committee for most
// cases, another committee of the same province (a branch office) for some.
func hearingPlace(home int, r *rand.Rand) int {
	if r.Float64() >= 0.12 {
		return home
	}
	prov := places[home].prov
	first, n := -1, 0
	for i := range places {
		if places[i].prov == prov {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	return first + r.IntN(n)
}
