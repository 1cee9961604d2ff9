//! Bar charts as SVG, drawn with plotters; text in the embedded DejaVu font so Vietnamese labels
//! render wherever the SVG is opened.

use std::sync::Once;

use plotters::prelude::*;

use crate::error::ApiError;

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif.ttf");

fn font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

const COLOURS: [RGBColor; 4] =
    [RGBColor(165, 28, 28), RGBColor(31, 94, 160), RGBColor(218, 145, 32), RGBColor(60, 130, 70)];

/// Grouped bars: one group per label, one bar per series.
pub fn bars(title: &str, labels: &[String], series: &[(String, Vec<f64>)]) -> Result<String, ApiError> {
    font();
    let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("chart: {e}"));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let n = labels.len().max(1);
        let max = series.iter().flat_map(|s| s.1.iter()).copied().fold(0.0, f64::max).max(1.0) * 1.15;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..n as f64, 0f64..max)
            .map_err(|e| fail(&e))?;
        let names: Vec<String> = labels.to_vec();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(2 * n + 1)
            .x_label_formatter(&move |x: &f64| {
                let i = x.floor() as usize;
                if (x.fract() - 0.5).abs() < 0.01 {
                    names.get(i).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(|e| fail(&e))?;
        let width = 0.8 / series.len().max(1) as f64;
        for (k, (name, values)) in series.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            chart
                .draw_series(values.iter().enumerate().map(|(i, v)| {
                    let x0 = i as f64 + 0.1 + k as f64 * width;
                    Rectangle::new([(x0, 0.0), (x0 + width * 0.95, *v)], colour.filled())
                }))
                .map_err(|e| fail(&e))?
                .label(name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled()));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font(("sans-serif", 14))
            .draw()
            .map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}
