//! Results and classification [xếp loại tốt nghiệp].

pub mod rules;
