//! Lived-experience consultants on the recommendations tracker: the rules for invitations, comments
//! and answers (what is valid, how an author is shown). The access rules are in the service
//! (`safeguard_service::recommendation_comments`).

use crate::validation::{ValidationErrors, required_text};
use uuid::Uuid;

/// How an anonymous comment's author is shown, to everyone (administrators' pages and the audit
/// trail included). The author's id is still stored with the comment, for accountability.
pub const ANONYMOUS_AUTHOR: &str = "A lived-experience consultant";

/// How the author of an answer is shown to consultants (no staff names reach them).
pub const ANSWER_AUTHOR: &str = "The partnership";

/// The longest comment or answer, in characters.
pub const MAX_TEXT: usize = 4000;

/// A comment as typed by a consultant.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct CommentInput {
    /// The comment.
    #[serde(default)]
    pub body: String,
    /// "named" or "anonymous".
    #[serde(default)]
    pub identity: String,
}

/// A valid comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text, trimmed.
    pub body: String,
    /// Shown as [`ANONYMOUS_AUTHOR`] instead of the author's name.
    pub anonymous: bool,
}

impl Comment {
    /// Checks a comment: text required and at most [`MAX_TEXT`] characters, and a choice of named or
    /// anonymous.
    pub fn parse(i: &CommentInput) -> Result<Comment, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let body = required_text(&mut e, "body", &i.body, "your comment", MAX_TEXT);
        let anonymous = match i.identity.trim() {
            "named" => Some(false),
            "anonymous" => Some(true),
            _ => {
                e.add(
                    "identity",
                    "Choose whether your name is shown with your comment",
                );
                None
            }
        };
        e.into_result(Comment {
            body,
            anonymous: anonymous.unwrap_or(true),
        })
    }
}

/// An answer as typed by an owner.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct AnswerInput {
    /// The comment answered (id).
    #[serde(default)]
    pub comment_id: String,
    /// The answer.
    #[serde(default)]
    pub answer: String,
}

/// A valid answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The comment answered.
    pub comment_id: Uuid,
    /// The text, trimmed.
    pub body: String,
}

impl Answer {
    /// Checks an answer: one of `comments` (the recommendation's comments) and text of at most
    /// [`MAX_TEXT`] characters.
    pub fn parse(i: &AnswerInput, comments: &[Uuid]) -> Result<Answer, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let comment_id = i
            .comment_id
            .trim()
            .parse::<Uuid>()
            .ok()
            .filter(|c| comments.contains(c));
        if comment_id.is_none() {
            e.add("comment_id", "Choose the comment you are answering");
        }
        let body = required_text(&mut e, "answer", &i.answer, "your answer", MAX_TEXT);
        e.into_result(Answer {
            comment_id: comment_id.unwrap_or_default(),
            body,
        })
    }
}

/// An invitation (or its revocation) as typed: the consultant.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct InviteInput {
    /// The consultant (person id).
    #[serde(default)]
    pub person_id: String,
}

/// How a comment's author is shown: the name for a named comment, [`ANONYMOUS_AUTHOR`] otherwise.
pub fn author_label(anonymous: bool, name: &str) -> String {
    if anonymous {
        ANONYMOUS_AUTHOR.to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_needs_text_and_a_choice_of_name() {
        let e = Comment::parse(&CommentInput::default()).unwrap_err();
        assert_eq!(e.get("body"), Some("Enter your comment"));
        assert!(e.get("identity").is_some());
        let c = Comment::parse(&CommentInput {
            body: "  Speak to survivors first. ".into(),
            identity: "anonymous".into(),
        })
        .unwrap();
        assert_eq!(c.body, "Speak to survivors first.");
        assert!(c.anonymous);
        assert!(
            !Comment::parse(&CommentInput {
                body: "x".into(),
                identity: "named".into()
            })
            .unwrap()
            .anonymous
        );
        let e = Comment::parse(&CommentInput {
            body: "x".into(),
            identity: "somebody".into(),
        })
        .unwrap_err();
        assert!(e.get("identity").is_some());
    }

    #[test]
    fn overlong_text_is_refused() {
        let e = Comment::parse(&CommentInput {
            body: "a".repeat(MAX_TEXT + 1),
            identity: "named".into(),
        })
        .unwrap_err();
        assert_eq!(
            e.get("body"),
            Some("Your comment must be 4000 characters or fewer")
        );
        assert!(
            Comment::parse(&CommentInput {
                body: "a".repeat(MAX_TEXT),
                identity: "named".into(),
            })
            .is_ok()
        );
    }

    #[test]
    fn an_answer_is_to_one_of_the_recommendations_comments() {
        let c = Uuid::new_v4();
        let e = Answer::parse(
            &AnswerInput {
                comment_id: Uuid::new_v4().to_string(),
                answer: "Thank you".into(),
            },
            &[c],
        )
        .unwrap_err();
        assert!(e.get("comment_id").is_some());
        let e = Answer::parse(
            &AnswerInput {
                comment_id: c.to_string(),
                answer: " ".into(),
            },
            &[c],
        )
        .unwrap_err();
        assert_eq!(e.get("answer"), Some("Enter your answer"));
        let a = Answer::parse(
            &AnswerInput {
                comment_id: c.to_string(),
                answer: "Thank you".into(),
            },
            &[c],
        )
        .unwrap();
        assert_eq!(a.comment_id, c);
    }

    #[test]
    fn anonymous_authors_are_never_named() {
        assert_eq!(author_label(true, "Jordan Lee"), ANONYMOUS_AUTHOR);
        assert_eq!(author_label(false, "Jordan Lee"), "Jordan Lee");
    }
}
