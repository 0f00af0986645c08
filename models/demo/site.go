package demo

import "onewindow/models"

// Site returns the demonstration's site settings: the district and service
// centre of the source article (Jining District, Ulanqab). Only the demo
// names a district; a new database without --demo starts with none. The
// address and footer do not repeat the centre's name, which the pages show
// beside them, so renaming the centre leaves no old name behind.
func Site() models.SiteSettings {
	return models.SiteSettings{
		District: "集宁区",
		Centre:   "集宁区政务服务中心",
		Address:  "集宁区察哈尔大街 88 号",
		Hotline:  "0474-12345",
		Hours:    "工作日 9:00–12:00，13:30–17:30（夏季 14:30–18:00）",
		Footer:   "事项目录与办事指南依法公开 · 办事不求人，服务零距离",
		// 行政复议 goes to the government at the district's level (行政复议法 2023, art. 24);
		// 行政诉讼 to the basic people's court of the district.
		ReviewBody: "集宁区人民政府",
		Court:      "集宁区人民法院",
	}
}
