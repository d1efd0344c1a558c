//! The demo partnership's activity and impact log for 2022-23: the twelve month-by-month entries of
//! the "What have we achieved in the last 12 months?" section of the yearly report (the seed), with
//! their safeguarding impact, linked to the demo bodies where the report names one. Loaded once (when
//! the demo partnership has no entries), so loading again changes nothing.

use crate::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::PartnershipId;
use safeguard_domain::audit::NewEntry;
use safeguard_store::activity::{self, EntryRow};
use safeguard_store::{Tx, audit_log, bodies, people};
use serde_json::json;
use uuid::Uuid;

/// A demo entry: date, body name (or `Err(workstream)`), title, what happened, impact, tags.
type DemoEntry = (
    &'static str,
    Result<&'static str, &'static str>,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const PANEL: &str = "Child Safeguarding Practice Review Panel";
const DEVELOPMENT: &str = "Partnership Development sub-group";
const QPO: &str = "Quality, Performance and Operations sub-group";

/// The twelve entries of 2022-23, one a month, April first.
pub const ENTRIES: &[DemoEntry] = &[
    (
        "2022-04-14",
        Err("Multi-agency learning"),
        "Non-Accidental Injury learning event",
        "Rapid Reviews and Child Safeguarding Practice Reviews carried out during the previous year identified that non-accidental injuries in babies and children under the age of two was a key area of learning for professionals across Telford and Wrekin.\n\nIn response, the Partnership organised a Non-Accidental Injury Learning Event which was attended by over 100 professionals from across all partners to focus on key issues including process, findings from the National Panel, emerging local themes and to reinforce consistent professional curiosity.",
        "Professionals are better equipped to identify those children at greater risk and intervene at a much earlier stage to safeguard against non-accidental injuries.",
        &["learning-event", "non-accidental-injury", "training"],
    ),
    (
        "2022-05-16",
        Ok(PANEL),
        "Thematic review of neglect (joint CSPR)",
        "May saw the first thematic review, as a joint CSPR, undertaken into cases of neglect that had been referred to the Partnership. An independent reviewer was tasked with examining two separate cases involving child neglect to identify learning and enhance practice.\n\nThis Review was completed and signed off by the board in June 2023.",
        "Reviews of this type are vital to ensure that safeguarding practice within Telford and Wrekin is continually evolving to enhance protections in place for children alongside support for their parents and carers. The review recommendations are informing the work of the Neglect sub-group into its review of policies and procedures to support relevant families.",
        &["cspr", "neglect", "reviews"],
    ),
    (
        "2022-06-15",
        Ok(DEVELOPMENT),
        "Multi-agency training offer",
        "The Partnership Development sub-group (who meet quarterly to consider multi-agency learning, policy development and the communication of key information across the partnership) had their first meeting of the new financial year, which focussed on developing a robust multi-agency training offer. It trialled a pilot of 19 courses related to safeguarding and associated topics, for up to 300 people from across the partner agencies, including the Non-Accidental Injury Conference, robust recording within casework, Threshold of Need workshops, Child Sexual Exploitation awareness, Female Genital Mutilation, neglect, domestic abuse and e-safety.\n\nFeedback from these learning and development opportunities is monitored to ensure that the training programme is of an appropriate quality and meets need. The group also developed and published Best Practice Guidance for Professional Curiosity, shared with partners in February 2023.",
        "The work of the Partnership Development group ensures that learning is disseminated across the partnership and reaches into all organisations to provide a consistent approach and knowledge base when undertaking their safeguarding duties.",
        &["professional-curiosity", "training"],
    ),
    (
        "2022-07-12",
        Ok("Partner Operations Group (Inquiry recommendations)"),
        "Independent Inquiry into Telford Child Sexual Exploitation published: 47 recommendations",
        "The Independent Inquiry – Telford Child Sexual Exploitation (IITCSE) published its report making 47 recommendations for the board and the three statutory partners, together with the West Mercia Police and Crime Commissioner, to implement. Partners unconditionally accepted all 47 of the recommendations.\n\nLater in the month, statutory partners met to agree governance arrangements for implementing the Inquiry recommendations, which included an Independent Chair to oversee implementation. It was agreed that three Independent Lived Experience Consultants would inform the response to the recommendations. A clear goal was adopted to implement the recommendations by December 2023, through the Partner Operations Group, a task and finish group established for this task.",
        "Implementation of the IITCSE recommendations will enhance the way in which cases of CSE within the borough are addressed and how victims, survivors and their families are supported.",
        &["cse", "iitcse", "lived-experience"],
    ),
    (
        "2022-08-16",
        Ok(QPO),
        "Mock Joint Targeted Area Inspection",
        "Work took place within the Quality, Performance and Operations sub-group to run a mock Joint Targeted Area Inspection (JTAI). This allowed partners to evaluate their services provided to vulnerable children and young people and address any areas requiring action.",
        "A proactive approach to undertaking our own JTAI ahead of any inspection by Ofsted, the Care Quality Commission, His Majesty's Inspectorate of Constabulary and His Majesty's Inspectorate of Probation has allowed for early learning around how the local authority, police, health, probation and youth offending services are working together to identify, support and protect vulnerable children and young people.",
        &["audit", "inspection", "quality-assurance"],
    ),
    (
        "2022-09-15",
        Ok(PANEL),
        "Peak in rapid review referrals",
        "Although the work of the Child Safeguarding Practice Review Panel (who meet monthly) takes place throughout the year, September saw a peak in referrals to the Partnership requiring a Rapid Review. During April 2022 to March 2023 the Panel reviewed four cases, one of which progressed to a Child Safeguarding Practice Review, and continued to progress six open reviews, of which four were completed in year.\n\nThemes highlighted in the reviews have resulted in targeted work: neglect; the geographical relocation of families (the Panel has written to the National Panel asking for a national review); and professional curiosity, record keeping and information sharing, addressed through the monthly Threshold of Need workshops open to all professionals.",
        "All identified recommendations from reviews are implemented through changes to processes, focussed assurances and evidence gathered from across the partnership, and a variety of learning offers including 7 minute learning briefings, online seminars and wider conferences, all with the aim of aiding practitioner awareness, understanding and confidence across a variety of safeguarding topics.",
        &["neglect", "rapid-reviews", "reviews"],
    ),
    (
        "2022-10-14",
        Ok("Telford and Wrekin Safeguarding Children Board"),
        "Voice of the Child",
        "The Voice of the Child is crucial to the focus of the Telford and Wrekin Safeguarding Children Board, and work was started to explore how it can become more integrated into board meetings over and above the representative attending.\n\nNew training resources have been incorporated into the training offer from the partnership and are primarily focussed at school aged children, addressing areas they have raised as worrying them.",
        "Closer links between agencies and the children, young people and families they work with embrace true partnership working, to fully understand and respond to issues as they arise within the borough. This creates a safeguarding culture which strives for improvement through cooperation rather than enforcement. Constantly evolving training ensures professionals are equipped to respond to an ever changing society and new risks.",
        &["training", "voice-of-child"],
    ),
    (
        "2022-11-15",
        Ok(QPO),
        "Multi-Agency Case File Audit (MACFA)",
        "The Quality, Performance and Operations sub-group organised a Multi-Agency Case File Audit (MACFA) reviewing three cases where young people had multiple presentations to A&E in mental health crisis and Section 136s were issued, prior to being admitted to adult mental health wards. The MACFA was completed and reported to board in March 2023, making a series of recommendations to improve the support provided to children and young people.\n\nThe group also led work to develop a multi-agency Performance Framework, and in preparation for the spring 2023 Section 11 audit implemented a new online platform to improve the quality of the audit process and the tracking of actions.",
        "The proactive use of MACFAs allows partners to jointly assess performance, highlight areas of good practice and identify areas which need more robust work. This assessment of services allows room for professional challenge across partners to ensure the residents of Telford and Wrekin remain the focus of safeguarding work.",
        &["audit", "mental-health", "performance"],
    ),
    (
        "2022-12-13",
        Ok("Child Exploitation sub-group"),
        "Refreshed Child Exploitation Strategy",
        "Discussions started with partners on the production of a refreshed Child Exploitation Strategy to further address the recommendations of the IITCSE report. This work has been led by the Child Exploitation sub-group and continues into the new financial year.\n\nAll statutory partners, young people and families (both with lived experience of exploitation and from the wider society) are involved in developing and shaping the strategy.",
        "The final strategy will formalise a borough wide offer to tackle and support all known forms of child exploitation, underpinned by contextual safeguarding principles, focusing on understanding and identifying, prevention, intervention and support, and disrupting and bringing to justice. The strategy is expected to be launched in the later part of 2023.",
        &["child-exploitation", "cse", "iitcse", "strategy"],
    ),
    (
        "2023-01-16",
        Ok("Neglect sub-group"),
        "Work on neglect: from referral to child protection conference",
        "The start of the new year saw the start of work focussing on neglect within Telford and Wrekin, following emerging learning from the thematic review started in May. An independent reviewer has been tasked with reviewing how we work with families from the point of referral through to Child Protection conferences.\n\nThe reviewer will engage across all partners and at all levels, including front line practitioners, with key participation from families with lived experience through the Dandelion Group.",
        "This piece of work is hoped to result in a change in approach and practice across all partners, to see parents as partners in working toward a solution to improve outcomes for children: supporting, educating and motivating families towards lasting positive changes rather than demoralising and blaming them.",
        &["lived-experience", "neglect"],
    ),
    (
        "2023-02-14",
        Err("Domestic abuse"),
        "New Domestic Abuse Strategy launched",
        "February saw the launch of the new Domestic Abuse Strategy, following extensive consultation with partners and survivor groups who actively shaped the strategy and the commissioning of the new service. Telford & Wrekin Council became the first local authority in the UK to sign the Child to Parent Abuse Covenant, and recognising child to parent abuse is part of the new strategy.\n\nThe NSPCC Harmful Sexual Behaviour audit also started this month, with findings due in autumn 2023.",
        "The new strategy commits to hearing and taking on board the voices and expertise of people who have experienced domestic abuse, to ensure services meet the needs of those experiencing domestic abuse, whether young or old, parent or child.",
        &["audit", "domestic-abuse", "strategy"],
    ),
    (
        "2023-03-15",
        Err("Awareness and guidance"),
        "CSE Awareness Day and revised Threshold of Need guidance",
        "A CSE Awareness Day event was organised with the Holly Project, a free, independent support service for survivors of Child Sexual Exploitation and their families run by people with lived experience of CSE. It was attended by over 60 professionals across all partners.\n\nMarch also saw the launch of revised Threshold of Need guidance, developed by the Family Connect Strategic Board, with an emphasis on contextual safeguarding and considering risks outside of the home.",
        "Greater clarity around the threshold of need among practitioners means that the partnership is able to provide the right help, at the right time.",
        &["cse", "threshold-of-need", "training"],
    ),
];

/// Adds the demo entries to the partnership, once: nothing happens when it already has entries.
pub async fn load(tx: &mut Tx, p: PartnershipId, now: DateTime<Utc>) -> ServiceResult<()> {
    if activity::count(&mut tx.conn(), p).await? > 0 {
        return Ok(());
    }
    let admin = people::find_by_email(&mut tx.conn(), "admin@safeguard.example")
        .await?
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo administrator missing")))?;
    let all = bodies::list_for_partnership(&mut tx.conn(), p).await?;
    for (date, body, title, what, impact, tags) in ENTRIES {
        let entry_date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("demo date {date}: {e}")))?;
        let (body_id, workstream) = match body {
            Ok(name) => (
                Some(
                    all.iter()
                        .find(|b| b.name == *name)
                        .map(|b| b.body_id)
                        .ok_or_else(|| {
                            ServiceError::Internal(anyhow::anyhow!("demo body missing: {name}"))
                        })?,
                ),
                "",
            ),
            Err(w) => (None, *w),
        };
        let id = Uuid::new_v4();
        activity::insert(
            &mut tx.conn(),
            p,
            id,
            &EntryRow {
                entry_date,
                body_id,
                workstream,
                title,
                what_happened: what,
                impact,
            },
            admin.id(),
            now,
        )
        .await?;
        let tags: Vec<String> = tags.iter().map(|t| (*t).to_owned()).collect();
        activity::set_tags(&mut tx.conn(), p, id, &tags).await?;
        let mut e = NewEntry::new("activity.create", "activity_entry", Some(id.to_string()));
        e.partnership_id = Some(p.0);
        e.after =
            Some(json!({"title": title, "entry_date": entry_date, "via": "demo"}).to_string());
        audit_log::append(&mut tx.conn(), &e, now).await?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn one_entry_a_month_april_to_march_with_valid_tags() {
        assert_eq!(ENTRIES.len(), 12);
        let months: Vec<u32> = ENTRIES
            .iter()
            .map(|e| NaiveDate::parse_from_str(e.0, "%Y-%m-%d").unwrap().month())
            .collect();
        assert_eq!(months, [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]);
        for (_, body, title, what, impact, tags) in ENTRIES {
            if let Ok(name) = body {
                assert!(crate::demo::BODIES.iter().any(|b| b.0 == *name), "{name}");
            }
            let input = safeguard_domain::activity::EntryInput {
                entry_date: "2022-04-01".into(),
                body_id: String::new(),
                workstream: "x".into(),
                title: (*title).into(),
                what_happened: (*what).into(),
                impact: (*impact).into(),
                tags: tags.join(","),
                version: String::new(),
            };
            let parsed = safeguard_domain::activity::EntryFields::parse(&input).unwrap();
            assert_eq!(
                parsed.tags, *tags,
                "tags of {title} are normalised and sorted"
            );
        }
    }
}
