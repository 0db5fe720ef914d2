//! Invariants of the marketplace table.

use std::collections::HashSet;

use linkscope::marketplace::{match_host, HostMatch};
use linkscope::{Marketplace, MARKETPLACES, SHORT_HOSTS};

#[test]
fn sorted_by_domain_and_unique() {
    assert!(MARKETPLACES.windows(2).all(|w| w[0].domain < w[1].domain));
    assert!(SHORT_HOSTS.windows(2).all(|w| w[0].host < w[1].host));
    let mut hosts = HashSet::new();
    for m in MARKETPLACES {
        for d in std::iter::once(&m.domain).chain(m.alt_domains) {
            assert!(hosts.insert(*d), "{d} appears twice");
        }
    }
    for s in SHORT_HOSTS {
        assert!(hosts.insert(s.host), "{} appears twice", s.host);
    }
    let countries: HashSet<_> = MARKETPLACES.iter().map(|m| m.country).collect();
    assert_eq!(countries.len(), MARKETPLACES.len());
}

#[test]
fn the_22_marketplaces_of_the_domain_notes() {
    assert_eq!(MARKETPLACES.len(), 22);
    let onelink: Vec<_> = MARKETPLACES
        .iter()
        .filter(|m| m.onelink_from_us)
        .map(|m| m.country)
        .collect();
    // CA, UK, ES, DE, FR, NL, PL, SE, IT, AU, SG, JP (Amazon's OneLink page), in table order.
    assert_eq!(
        onelink,
        ["CA", "JP", "GB", "AU", "DE", "ES", "FR", "IT", "NL", "PL", "SE", "SG"]
    );
}

#[test]
fn every_field_is_well_formed() {
    for m in MARKETPLACES {
        assert!(m.domain.starts_with("amazon."), "{}", m.domain);
        assert!(m.country.len() == 2 && m.country.bytes().all(|b| b.is_ascii_uppercase()));
        assert!(m.currency.len() == 3 && m.currency.bytes().all(|b| b.is_ascii_uppercase()));
        assert!(!m.name.is_empty());
        if let Some(s) = m.tag_suffix {
            assert!(matches!(s, "-20" | "-21" | "-22"), "{s}");
        }
        // Every domain parses as a URL host and matches itself, with and without www.
        for host in [m.domain.to_owned(), format!("www.{}", m.domain)] {
            let url = url::Url::parse(&format!("https://{host}/")).unwrap();
            assert_eq!(url.host_str(), Some(host.as_str()));
            assert_eq!(match_host(&host), Some(HostMatch::Store(m)));
        }
        assert_eq!(Marketplace::lookup(m.country), Some(m));
        assert_eq!(Marketplace::by_domain(m.domain), Some(m));
    }
}

#[test]
fn marketplace_ids_are_unique_and_well_formed() {
    let ids: HashSet<_> = MARKETPLACES.iter().map(|m| m.ue_mid).collect();
    assert_eq!(ids.len(), MARKETPLACES.len());
    for m in MARKETPLACES {
        let id = m.ue_mid;
        assert!(
            (12..=14).contains(&id.len())
                && id.starts_with('A')
                && id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
            "{}: {id}",
            m.domain
        );
    }
    // The ones seen as `ue_mid` in the saved pages (../shared/data/amazon-pages/README.md).
    for (domain, id) in [
        ("amazon.com", "ATVPDKIKX0DER"),
        ("amazon.co.uk", "A1F83G8C2ARO7P"),
        ("amazon.es", "A1RKKUPIHCS9HS"),
    ] {
        assert_eq!(Marketplace::by_domain(domain).unwrap().ue_mid, id);
    }
}
