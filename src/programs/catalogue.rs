//! The built-in catalogue of standard national programs, so that a new installation is usable on
//! day one. Hours are periods [tiết] and are settings: a school adjusts them in its own edition.

use diesel::QueryResult;

use super::dto::CatalogueOut;
use super::model::{owner_key, Assessment, Level, Program, ProgramModule, ProgramStatus};
use super::rule_settings::{GraduationSubject, ProgramRules};
use super::store;
use crate::db::ids::{ModuleId, ProgramId};
use crate::db::DbConn;
use crate::text::fold;

pub struct Entry {
    pub code: &'static str,
    pub title: &'static str,
    pub level: Level,
    pub edition: &'static str,
    pub description: &'static str,
    /// (part, code, title, hours, assessment, graduation exam)
    pub modules: &'static [(&'static str, &'static str, &'static str, i32, Assessment, bool)],
    pub graduation_subjects: &'static [(&'static str, &'static str)],
}

use Assessment::{Essay, None as NoExam, Oral, Written};

pub const CATALOGUE: &[Entry] = &[
    Entry {
        code: "DVM",
        title: "Bồi dưỡng lý luận chính trị dành cho đảng viên mới",
        level: Level::Refresher,
        edition: "2021",
        description: "Chương trình bồi dưỡng lý luận chính trị cho đảng viên mới; hoàn thành trong thời gian dự bị 12 tháng; kết thúc bằng bài thu hoạch.",
        modules: &[
            ("", "DVM01", "Chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh - nền tảng tư tưởng, kim chỉ nam cho hành động của Đảng", 8, NoExam, false),
            ("", "DVM02", "Độc lập dân tộc gắn liền với chủ nghĩa xã hội - mục tiêu, con đường cách mạng Việt Nam", 4, NoExam, false),
            ("", "DVM03", "Đảng Cộng sản Việt Nam - tổ chức lãnh đạo hệ thống chính trị", 4, NoExam, false),
            ("", "DVM04", "Phát triển kinh tế nhanh, bền vững", 4, NoExam, false),
            ("", "DVM05", "Phát triển văn hóa, con người, xã hội", 4, NoExam, false),
            ("", "DVM06", "Tăng cường quốc phòng, an ninh; đối ngoại, hội nhập quốc tế", 4, NoExam, false),
            ("", "DVM07", "Phát huy sức mạnh đại đoàn kết toàn dân tộc, dân chủ xã hội chủ nghĩa, Nhà nước pháp quyền", 4, NoExam, false),
            ("", "DVM08", "Xây dựng, chỉnh đốn Đảng trong sạch, vững mạnh", 4, NoExam, false),
            ("", "DVM09", "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", 4, NoExam, false),
            ("", "DVM10", "Nhiệm vụ của người đảng viên và việc vận dụng vào thực tiễn công tác", 4, Essay, false),
        ],
        graduation_subjects: &[],
    },
    Entry {
        code: "NTVD",
        title: "Bồi dưỡng nhận thức về Đảng",
        level: Level::Refresher,
        edition: "2021",
        description: "Dành cho quần chúng ưu tú trong diện xem xét kết nạp Đảng; kết thúc bằng bài kiểm tra.",
        modules: &[
            ("", "NT01", "Khái quát về chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh", 4, NoExam, false),
            ("", "NT02", "Đảng Cộng sản Việt Nam - sự ra đời và các thời kỳ lãnh đạo cách mạng", 4, NoExam, false),
            ("", "NT03", "Mục tiêu, lý tưởng, tổ chức và hoạt động của Đảng", 4, NoExam, false),
            ("", "NT04", "Đường lối của Đảng trong thời kỳ đổi mới", 4, NoExam, false),
            ("", "NT05", "Phấn đấu trở thành đảng viên Đảng Cộng sản Việt Nam", 4, Written, false),
        ],
        graduation_subjects: &[],
    },
    Entry {
        code: "SC-LLCT",
        title: "Sơ cấp lý luận chính trị",
        level: Level::Elementary,
        edition: "2021",
        description: "Chương trình đào tạo sơ cấp lý luận chính trị: 18 bài, khoảng 30 ngày học tập trung hoặc 1 - 1,5 tháng không tập trung.",
        modules: &[
            ("Phần I. Những vấn đề cơ bản về chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh", "SC01", "Khái quát về chủ nghĩa Mác - Lênin", 12, Written, false),
            ("Phần I. Những vấn đề cơ bản về chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh", "SC02", "Những nội dung cơ bản của tư tưởng Hồ Chí Minh", 12, Written, false),
            ("Phần I. Những vấn đề cơ bản về chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh", "SC03", "Chủ nghĩa xã hội và con đường đi lên chủ nghĩa xã hội ở Việt Nam", 12, Written, false),
            ("Phần II. Đảng Cộng sản Việt Nam", "SC04", "Khái lược lịch sử Đảng Cộng sản Việt Nam", 12, Written, false),
            ("Phần II. Đảng Cộng sản Việt Nam", "SC05", "Xây dựng Đảng về chính trị, tư tưởng và đạo đức", 12, Written, false),
            ("Phần II. Đảng Cộng sản Việt Nam", "SC06", "Xây dựng Đảng về tổ chức và cán bộ", 12, Written, false),
            ("Phần II. Đảng Cộng sản Việt Nam", "SC07", "Công tác kiểm tra, giám sát và kỷ luật của Đảng", 12, Written, false),
            ("Phần III. Nhà nước và hệ thống chính trị", "SC08", "Nhà nước pháp quyền xã hội chủ nghĩa Việt Nam", 12, Written, false),
            ("Phần III. Nhà nước và hệ thống chính trị", "SC09", "Hệ thống chính trị ở cơ sở", 12, Written, false),
            ("Phần III. Nhà nước và hệ thống chính trị", "SC10", "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội ở cơ sở", 12, Written, false),
            ("Phần IV. Đường lối, chính sách", "SC11", "Phát triển kinh tế thị trường định hướng xã hội chủ nghĩa", 12, Written, false),
            ("Phần IV. Đường lối, chính sách", "SC12", "Phát triển văn hóa, xã hội, con người Việt Nam", 12, Written, false),
            ("Phần IV. Đường lối, chính sách", "SC13", "Quốc phòng, an ninh và đối ngoại", 12, Written, false),
            ("Phần IV. Đường lối, chính sách", "SC14", "Chính sách dân tộc, tôn giáo", 12, Written, false),
            ("Phần IV. Đường lối, chính sách", "SC15", "Công tác dân vận", 12, Written, false),
            ("Phần V. Kỹ năng", "SC16", "Kỹ năng lãnh đạo, quản lý ở cơ sở", 16, Written, false),
            ("Phần V. Kỹ năng", "SC17", "Kỹ năng tuyên truyền, vận động nhân dân", 12, Written, false),
            ("Phần VI. Thực tiễn địa phương", "SC18", "Tình hình, nhiệm vụ phát triển kinh tế - xã hội của địa phương", 12, Written, false),
        ],
        graduation_subjects: &[],
    },
    Entry {
        code: "TC-LLCT",
        title: "Trung cấp lý luận chính trị",
        level: Level::Intermediate,
        edition: "2021",
        description: "Chương trình đào tạo trung cấp lý luận chính trị (trước đây trung cấp lý luận chính trị - hành chính): học tập các phần, nghiên cứu thực tế, thi tốt nghiệp ba môn.",
        modules: &[
            ("Phần I. Những vấn đề cơ bản của chủ nghĩa Mác - Lênin và tư tưởng Hồ Chí Minh", "TC01", "Triết học Mác - Lênin", 60, Written, false),
            ("Phần I. Những vấn đề cơ bản của chủ nghĩa Mác - Lênin và tư tưởng Hồ Chí Minh", "TC02", "Kinh tế chính trị Mác - Lênin", 45, Written, false),
            ("Phần I. Những vấn đề cơ bản của chủ nghĩa Mác - Lênin và tư tưởng Hồ Chí Minh", "TC03", "Chủ nghĩa xã hội khoa học", 40, Written, false),
            ("Phần I. Những vấn đề cơ bản của chủ nghĩa Mác - Lênin và tư tưởng Hồ Chí Minh", "TC04", "Tư tưởng Hồ Chí Minh", 40, Written, false),
            ("Phần II. Những vấn đề cơ bản về Đảng Cộng sản, Nhà nước và hệ thống chính trị", "TC05", "Lịch sử Đảng Cộng sản Việt Nam", 40, Written, false),
            ("Phần II. Những vấn đề cơ bản về Đảng Cộng sản, Nhà nước và hệ thống chính trị", "TC06", "Xây dựng Đảng", 50, Written, false),
            ("Phần II. Những vấn đề cơ bản về Đảng Cộng sản, Nhà nước và hệ thống chính trị", "TC07", "Nhà nước và pháp luật xã hội chủ nghĩa", 50, Written, false),
            ("Phần II. Những vấn đề cơ bản về Đảng Cộng sản, Nhà nước và hệ thống chính trị", "TC08", "Hệ thống chính trị ở Việt Nam", 30, Written, false),
            ("Phần III. Đường lối, chính sách của Đảng và Nhà nước", "TC09", "Đường lối phát triển kinh tế", 40, Written, false),
            ("Phần III. Đường lối, chính sách của Đảng và Nhà nước", "TC10", "Đường lối phát triển văn hóa, xã hội", 30, Written, false),
            ("Phần III. Đường lối, chính sách của Đảng và Nhà nước", "TC11", "Đường lối quốc phòng, an ninh và đối ngoại", 30, Written, false),
            ("Phần III. Đường lối, chính sách của Đảng và Nhà nước", "TC12", "Chính sách dân tộc, tôn giáo và công tác dân vận", 30, Written, false),
            ("Phần IV. Kiến thức và kỹ năng lãnh đạo, quản lý", "TC13", "Khoa học lãnh đạo, quản lý", 40, Written, false),
            ("Phần IV. Kiến thức và kỹ năng lãnh đạo, quản lý", "TC14", "Kỹ năng lãnh đạo, quản lý của cán bộ cấp cơ sở", 40, Oral, false),
            ("Phần V. Tình hình, nhiệm vụ của địa phương", "TC15", "Tình hình, nhiệm vụ phát triển kinh tế - xã hội, quốc phòng, an ninh của địa phương", 30, Essay, false),
        ],
        graduation_subjects: &[
            ("TN1", "Những vấn đề cơ bản của chủ nghĩa Mác - Lênin và tư tưởng Hồ Chí Minh"),
            ("TN2", "Những vấn đề cơ bản về Đảng Cộng sản, Nhà nước và hệ thống chính trị ở Việt Nam"),
            ("TN3", "Đường lối, chính sách của Đảng, Nhà nước và kỹ năng lãnh đạo, quản lý"),
        ],
    },
];

/// Inserts every catalogue program not already there, published, in the caller's transaction.
pub fn load(tx: &mut DbConn, at: chrono::NaiveDateTime) -> Result<CatalogueOut, crate::error::ApiError> {
    let mut out = CatalogueOut { created: Vec::new(), existing: Vec::new() };
    for e in CATALOGUE {
        if let Some(p) = store::find_by_key(tx, &owner_key(None), e.code, e.edition)? {
            out.existing.push(p.id);
            continue;
        }
        out.created.push(insert(tx, e, at)?);
    }
    Ok(out)
}

fn insert(tx: &mut DbConn, e: &Entry, at: chrono::NaiveDateTime) -> QueryResult<ProgramId> {
    let mut rules = ProgramRules::for_level(e.level);
    rules.graduation_subjects = e
        .graduation_subjects
        .iter()
        .map(|(code, title)| GraduationSubject { code: code.to_string(), title: title.to_string() })
        .collect();
    if !rules.graduation_subjects.is_empty() {
        rules.graduation_essay = false;
        // Intermediate classes are usually reported with giỏi / khá / trung bình only.
        rules.classification_bands.retain(|b| ["gioi", "kha", "trung_binh"].contains(&b.label.as_str()));
        if let Some(b) = rules.classification_bands.iter_mut().find(|b| b.label == "gioi") {
            b.min = 8.0;
        }
    }
    let program = Program {
        id: ProgramId::new(),
        code: e.code.into(),
        title: e.title.into(),
        title_key: fold(&format!("{} {}", e.title, e.code)),
        level: e.level,
        edition: e.edition.into(),
        credential: super::rules::default_credential(e.level),
        owner_institution_id: None,
        owner_key: owner_key(None),
        description: Some(e.description.into()),
        status: ProgramStatus::Published,
        previous_id: None,
        rules,
        published_at: Some(at),
        retired_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    store::insert(tx, &program)?;
    for (i, (part, code, title, hours, assessment, grad)) in e.modules.iter().enumerate() {
        store::insert_module(
            tx,
            &ProgramModule {
                id: ModuleId::new(),
                program_id: program.id,
                code: code.to_string(),
                title: title.to_string(),
                hours: *hours,
                position: i as i32 + 1,
                assessment: *assessment,
                part: (!part.is_empty()).then(|| part.to_string()),
                graduation_exam: *grad,
                description: None,
                version: 1,
                created_at: at,
                updated_at: at,
            },
        )?;
    }
    Ok(program.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_programs_would_publish() {
        for e in CATALOGUE {
            let mut rules = ProgramRules::for_level(e.level);
            rules.graduation_subjects = e
                .graduation_subjects
                .iter()
                .map(|(c, t)| GraduationSubject { code: c.to_string(), title: t.to_string() })
                .collect();
            assert!(super::super::rules::problems(&rules).is_empty(), "{}", e.code);
            let mut codes: Vec<&str> = e.modules.iter().map(|m| m.1).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), e.modules.len(), "{}", e.code);
        }
        let elementary = CATALOGUE.iter().find(|e| e.level == Level::Elementary).unwrap();
        assert_eq!(elementary.modules.len(), 18);
    }
}
