//! Pure decisions of the yearly report: whether a class's timetable gives each module the hours
//! its program asks, and how many of those hours had their roll taken.

use serde::Serialize;
use utoipa::ToSchema;

use crate::attendance::rules::hours as periods;
use crate::db::ids::ModuleId;

/// One module of a class: the program's hours (45-minute periods [tiết]) against the sessions
/// timetabled and those whose roll was taken.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ModuleHours {
    pub module_id: ModuleId,
    pub code: String,
    pub title: String,
    pub program_hours: i32,
    /// Sessions still scheduled, in periods of 45 minutes, to one decimal.
    pub timetabled_hours: f64,
    /// Of those, the sessions whose roll was taken.
    pub roll_taken_hours: f64,
    /// False when the timetable falls short of the program [không bảo đảm thời lượng].
    pub hours_ensured: bool,
}

/// A session as the report counts it: its module, its length in minutes, whether its roll was
/// taken.
pub type Sitting = (ModuleId, i64, bool);

/// A module as the program gives it: id, code, title, hours.
pub type Planned = (ModuleId, String, String, i32);

/// Each module of the program, in its order, with its sessions' hours.
pub fn module_hours(modules: &[Planned], sessions: &[Sitting]) -> Vec<ModuleHours> {
    modules
        .iter()
        .map(|(id, code, title, hours)| {
            let mine = sessions.iter().filter(|s| s.0 == *id);
            let (mut all, mut taken) = (0, 0);
            for (_, minutes, roll) in mine {
                all += minutes;
                if *roll {
                    taken += minutes;
                }
            }
            ModuleHours {
                module_id: *id,
                code: code.clone(),
                title: title.clone(),
                program_hours: *hours,
                timetabled_hours: periods(all),
                roll_taken_hours: periods(taken),
                hours_ensured: all >= i64::from(*hours) * 45,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_short_of_its_hours_is_flagged() {
        let (a, b, c) = (ModuleId::new(), ModuleId::new(), ModuleId::new());
        let modules = vec![
            (a, "HP1".into(), "Một".into(), 8),
            (b, "HP2".into(), "Hai".into(), 4),
            (c, "HP3".into(), "Ba".into(), 2),
        ];
        // A: two mornings of 180 minutes = 8 periods, one with the roll taken; B: 135 minutes = 3
        // periods of the 4 asked; C: nothing timetabled.
        let sessions = vec![(a, 180, true), (a, 180, false), (b, 135, true)];
        let got = module_hours(&modules, &sessions);
        let view: Vec<(f64, f64, bool)> =
            got.iter().map(|m| (m.timetabled_hours, m.roll_taken_hours, m.hours_ensured)).collect();
        assert_eq!(view, vec![(8.0, 4.0, true), (3.0, 3.0, false), (0.0, 0.0, false)]);
        assert_eq!(module_hours(&[], &sessions), vec![]);
    }
}
