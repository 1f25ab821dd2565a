//! The real-message corpus (`tests/corpus/real_messages.toml`): messages that new-api, one-api
//! and the providers send through a relay, each with its source and the answer the seeds'
//! rules give one row of it (an attribution, or a two-way pair such as `usage_or_upstream`). The engine must get at least 95% right; every miss is printed.
use errscope::domain::attribution::{Attribution, TwoWay};
use errscope::domain::catalogue::Catalogue;
use errscope::domain::scope::{resolve, ImpactScope};
use errscope::domain::signal::Signal;
use serde::Deserialize;

#[derive(Deserialize)]
struct Corpus {
    message: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    source: String,
    status: Option<u16>,
    code: Option<String>,
    text: String,
    expect: String,
}

const CORPUS: &str = include_str!("../corpus/real_messages.toml");

#[test]
fn the_engine_attributes_real_relay_messages() {
    let corpus: Corpus = toml::from_str(CORPUS).expect("the corpus is valid TOML");
    assert!(
        corpus.message.len() >= 150,
        "{} messages",
        corpus.message.len()
    );
    let mut misses = Vec::new();
    let mut hit = std::collections::BTreeSet::new();
    for m in &corpus.message {
        let known = Attribution::ALL.iter().map(|a| a.as_str());
        let mut known = known.chain(TwoWay::ALL.iter().map(|p| p.as_str()));
        assert!(
            known.any(|k| k == m.expect),
            "unknown answer {:?}",
            m.expect
        );
        let expect = m.expect.as_str();
        let e = Catalogue::builtin().explain(&Signal {
            status: m.status,
            code: m.code.clone(),
            message: m.text.clone(),
        });
        if let Some(entry) = &e.entry {
            hit.insert(entry.id.clone());
        }
        // One row, no impact scope: the entry's attribution, or the seed's two-way pair.
        let got = resolve(&e, &ImpactScope::default()).key();
        if got != expect {
            misses.push(format!(
                "  expected {}, got {} via {:?}: [{}] {:?}",
                expect,
                got,
                e.entry.as_ref().map(|x| x.id.as_str()),
                m.source,
                m.text
            ));
        }
    }
    let right = corpus.message.len() - misses.len();
    let share = right as f64 / corpus.message.len() as f64;
    println!(
        "real-message corpus: {right} of {} right ({:.1}%)",
        corpus.message.len(),
        share * 100.0
    );
    for m in &misses {
        println!("{m}");
    }
    let unexercised: Vec<&str> = Catalogue::builtin()
        .entries()
        .iter()
        .filter(|e| !e.from_seed() && !hit.contains(&e.id))
        .map(|e| e.id.as_str())
        .collect();
    assert!(
        unexercised.is_empty(),
        "no corpus message reaches {unexercised:?}"
    );
    assert!(
        share >= 0.95,
        "{:.1}% right; misses:\n{}",
        share * 100.0,
        misses.join("\n")
    );
}
