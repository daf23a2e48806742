//! pprof's node graph (`internal/graph`): frames grouped into nodes by the
//! query's granularity ([`nodes`]), the kept samples as node stacks
//! ([`stacks`]), and the passes over them ([`passes`]): flat and cumulative
//! values per node (cum counted once per sample even under recursion), and
//! caller→callee edges with their weights and inline flags. Building can be
//! restricted to a set of kept nodes, as pprof rebuilds the graph after
//! pruning.

pub mod nodes;
pub mod passes;
pub mod stacks;

pub use crate::paths::clean_path;
pub use nodes::*;
pub use passes::*;
pub use stacks::*;

#[cfg(test)]
mod tests {
    use super::{build, clean_path, OncePerSample, INLINED};
    use crate::aggregate::Prepared;
    use crate::synth::folded_profile;

    #[test]
    fn the_walk_skips_zero_values_and_counts_recursion_once() {
        let bytes = folded_profile("main;f;f;g 5\nmain;h 0\nmain;f 2", &[("samples", "count")]);
        let p = crate::load(&bytes, &Default::default(), &Default::default()).unwrap();
        let pr = Prepared::new(vec![p], vec![], crate::Query::default()).unwrap();
        let walked: Vec<(usize, i64)> = pr.stacks.weighted(&pr.profile, 0).map(|w| (w.stack.len(), w.value)).collect();
        assert_eq!(walked.len(), 2, "the zero-valued sample is not walked: {walked:?}");
        let mut once = OncePerSample::new(pr.nodes.len());
        let w = pr.stacks.weighted(&pr.profile, 0).next().unwrap();
        let firsts = w.stack.iter().filter(|&r| once.first((r & !INLINED) as usize, w.k)).count();
        assert_eq!(firsts, 3, "main, f (twice: counted once) and g");
        let g = build(&pr.profile, &pr.stacks, pr.nodes.len(), 0, None, false);
        let f = (0..pr.nodes.len()).find(|&n| pr.nodes.printable_name(n) == "f").unwrap();
        assert_eq!((g.flat[f], g.cum[f]), (2, 7), "recursion counts once in cum");
    }

    /// Natively, the passes over many stacks run in two halves: they give
    /// what one pass over all of them gives (recursion, inlined frames; a
    /// focus; nodes left out; edges in the order first met).
    #[test]
    fn passes_in_two_halves_are_one_pass() {
        use super::passes::{edges_in, in_order, values, values_in};
        use super::stacks::{loc_two, owned_part};
        use super::{edges_into, owned_stacks};
        use prost::Message;
        let spec = crate::synth::Spec { stacks: 3 * crate::par::MIN_ITEMS, functions: 800, seed: 9 };
        let data = crate::synth::generate(spec).encode_to_vec();
        let p = crate::load(&data, &Default::default(), &Default::default()).unwrap();
        for focus in ["", "pkg1"] {
            let q = crate::Query {
                filters: crate::query::Filters { focus: focus.into(), ..Default::default() },
                ..crate::Query::default()
            };
            let pr = Prepared::new_owned(vec![p.clone()], vec![], q).unwrap();
            let (p, st, nn) = (&pr.profile, &pr.stacks, pr.nodes.len());
            let (a, b) = st.halves();
            assert!(!a.is_empty() && !b.is_empty(), "{focus}: {} stacks", st.len());
            let whole = owned_part(p, &pr.view, &pr.nodes, &loc_two(&pr.nodes), 0..p.samples.len(), (0, 0));
            let split = owned_stacks(p, &pr.view, &pr.nodes);
            assert_eq!((&split.samples, &split.start, &split.nodes), (&whole.samples, &whole.start, &whole.nodes));
            let kept: Vec<bool> = (0..nn).map(|n| n % 3 != 0).collect();
            for k in [None, Some(&kept[..])] {
                let one = values_in(p, st, nn, 0, k, 0..st.len());
                let two = values(p, st, nn, 0, k);
                assert_eq!((one.flat, one.cum), (two.flat, two.cum), "{focus}");
                let all = vec![true; nn];
                let one = in_order(edges_in(p, st, 0, k.unwrap_or(&all), &all, 0..st.len())).edges;
                let two = edges_into(p, st, nn, 0, k, None).edges;
                assert!(one.len() > 1000, "{}", one.len());
                let key = |e: &super::Edge| (e.src, e.dst, e.weight, e.inline);
                assert_eq!(one.iter().map(key).collect::<Vec<_>>(), two.iter().map(key).collect::<Vec<_>>());
            }
        }
    }

    /// Stacks read through the profile's locations give what stacks holding
    /// their node ids give, frame by frame, from any depth.
    #[test]
    fn stacks_read_through_locations_are_the_owned_stacks() {
        use prost::Message;
        let data = crate::synth::generate(crate::synth::Spec::SMALL).encode_to_vec();
        let p = crate::load(&data, &Default::default(), &Default::default()).unwrap();
        // Locations of three frames, and a stack deeper than the walk's buffer.
        let deep = vec!["f"; 300].join(";");
        let text = format!("main;a+b+c;d 5\nmain;x+y;a+b+c 3\nmain;{deep};a+b 2");
        let small =
            crate::load(&folded_profile(&text, &[("samples", "count")]), &Default::default(), &Default::default())
                .unwrap();
        for (p, noinlines) in [(&p, false), (&p, true), (&small, false)] {
            let q = crate::Query { noinlines, ..crate::Query::default() };
            let mut pr = Prepared::new(vec![p.clone()], vec![], q).unwrap();
            assert!(!pr.stacks.through_locations(), "a small profile's view owns its node ids");
            pr.stacks = super::stacks_through(&pr.profile, &pr.view, &pr.nodes).unwrap();
            assert!(pr.stacks.through_locations());
            let owned = super::owned_stacks(&pr.profile, &pr.view, &pr.nodes);
            assert!(!owned.through_locations());
            assert_eq!(
                (pr.stacks.samples.clone(), pr.stacks.start.clone()),
                (owned.samples.clone(), owned.start.clone())
            );
            let mut inlined = 0;
            for k in 0..owned.len() {
                let (a, b) = (pr.stacks.stack(&pr.profile, k), owned.stack(&pr.profile, k));
                assert_eq!(a.to_vec(), b.to_vec());
                let mut walked = vec![7; 3];
                assert_eq!(a.expand(&mut walked), b.to_vec(), "the fast walk");
                let mut c = pr.stacks.cursor(Some(&pr.profile), k);
                let mut read = Vec::new();
                while pr.stacks.read(Some(&pr.profile), &mut c, 2, |r| read.push(r)) > 0 {}
                assert_eq!(read, b.to_vec(), "reading two at a time");
                assert_eq!((a.len(), a.last(), a.get(a.len())), (b.len(), b.last(), None));
                assert!(a == b);
                for d in 0..b.len() {
                    assert_eq!(a.get(d), b.get(d));
                    assert_eq!(a.iter_from(d).collect::<Vec<_>>(), b.iter_from(d).collect::<Vec<_>>());
                    inlined += (b.at(d) & INLINED != 0) as usize;
                }
            }
            assert_eq!(inlined > 0, !noinlines, "the profile has inlined frames unless they are merged");
        }
        // A view with a stack deeper than DEEP owns its stacks.
        let deep = vec!["f"; super::DEEP as usize + 1].join(";") + " 1";
        let p2 = crate::load(&folded_profile(&deep, &[("samples", "count")]), &Default::default(), &Default::default());
        let pr = Prepared::new(vec![p2.unwrap()], vec![], crate::Query::default()).unwrap();
        assert!(super::stacks_through(&pr.profile, &pr.view, &pr.nodes).is_none());
        // A view that hides frames owns its stacks.
        let q = crate::Query {
            filters: crate::query::Filters { hide: "pkg1\\.".into(), ..Default::default() },
            ..crate::Query::default()
        };
        let pr = Prepared::new(vec![p.clone()], vec![], q).unwrap();
        assert!(super::stacks_through(&pr.profile, &pr.view, &pr.nodes).is_none());
    }

    #[test]
    fn clean_like_go() {
        assert_eq!(clean_path("a/./b/../c"), "a/c");
        assert_eq!(clean_path("/../x"), "/x");
        assert_eq!(clean_path("../../x"), "../../x");
        assert_eq!(clean_path("./"), ".");
        assert_eq!(clean_path("//a//b/"), "/a/b");
    }
}
