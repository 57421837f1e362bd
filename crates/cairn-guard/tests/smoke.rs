#![allow(clippy::unwrap_used)]
use cairn_guard::{Guard, Message};

#[test]
fn embedded_data_loads() {
    let g = Guard::new().unwrap();
    assert!(g.versions().len() >= 10);
    let conv = vec![
        Message::new("a", "hey how old are u?"),
        Message::new("b", "im 13"),
        Message::new("a", "ur so mature for ur age"),
        Message::new("a", "are u home alone? dont tell ur parents about us"),
        Message::new("a", "send me a pic pls"),
    ];
    let a = g.assess(&conv);
    eprintln!("{}", serde_json::to_string_pretty(&a).unwrap());
    assert!(a.risk > 0.5);
}
