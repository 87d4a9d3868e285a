"""Dedup as a library: fingerprints, datasketch interop, clusters on the labelled set, incremental runs."""

from __future__ import annotations

import hashlib
from itertools import combinations

import datasketch
import numpy as np
import pytest

from corpus.dedup import DedupSettings, run_dedup
from corpus.dedup.candidates import lsh_pairs
from corpus.dedup.canonical import Candidate, CanonicalPolicy
from corpus.dedup.clustering import Cluster, stable_ids
from corpus.dedup.export import iter_clusters
from corpus.dedup.fingerprint import band_keys, normalized_text
from corpus.dedup.minhash import SignatureMaker, shingle_hash32, to_minhash
from corpus.dedup.normalize import normalize
from corpus.dedup.run import fingerprint_spec
from corpus.store import Store, utc_now
from dedup_support import gold_pairs, labelled_rows, precision_recall, predicted_pairs, put_documents


def char_jaccard(a: str, b: str, n: int = 5) -> float:
    """Exact Jaccard of n-character shingle sets, written independently of the code under test."""
    sa = {a[i:i + n] for i in range(len(a) - n + 1)}
    sb = {b[i:i + n] for i in range(len(b) - n + 1)}
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0


@pytest.fixture(scope="module")
def rows():
    return labelled_rows()


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "store.sqlite") as opened:
        yield opened


@pytest.fixture(scope="module")
def deduped(tmp_path_factory, rows):
    """The small labelled set, deduplicated once with the default settings."""
    store = Store.open(tmp_path_factory.mktemp("dedup") / "store.sqlite")
    put_documents(store, rows)
    summary = run_dedup(store)
    yield store, summary
    store.close()


# Normalisation -----------------------------------------------------------------------------------

def test_scripts_and_variants_normalise_to_one_text():
    simplified = "香港特别行政区政府发布了关于发展经济的最新报告，着重加强与内地的联系。"
    hong_kong = "香港特別行政區政府發佈了關於發展經濟的最新報告，着重加強與內地的聯繫。"
    taiwan = "香港特別行政區政府釋出了關於發展經濟的最新報告，著重加強與內地的聯絡。"
    assert normalize(hong_kong) == normalize(simplified)
    assert char_jaccard(normalize(taiwan), normalize(simplified)) > 0.6


def test_wire_datelines_and_credits_neither_create_nor_hide_a_match():
    body = "渝港合作会议第一次会议在重庆举行，两地在金融、经贸投资、科技创新等领域的务实合作进一步加深。"
    wire = f"新华社重庆5月25日电（记者 李晓婷）{body}\n编辑：张伟 责编：吴磊"
    hk = f"【香港商報訊】記者傅博、何璋報道：{body}（完）"
    assert normalize(wire) == normalize(hk) == normalize(body)
    assert normalize("编辑：张伟 责编：吴磊\n新华社记者 王晨 摄") == ""


def test_normalised_text_has_no_punctuation_or_full_width_forms():
    assert normalize("「ＡＢＣ」１２３，測試。\u3000…") == "ABC123测试"


# Signatures --------------------------------------------------------------------------------------

def test_signatures_are_bit_identical_to_datasketch(rows):
    maker = SignatureMaker(shingle_size=5, num_perm=128, seed=7)
    texts = [normalize(row["text"]) for row in rows[:12]] + ["短", ""]
    ours = maker.signatures(texts)
    for text, signature in zip(texts, ours):
        theirs = datasketch.MinHash(num_perm=128, seed=7, scheme="affine32", hashfunc=shingle_hash32)
        shingles = [text[i:i + 5] for i in range(len(text) - 4)]
        if shingles:
            theirs.update_batch(shingles)
        assert np.array_equal(theirs.hashvalues, signature)
    lean = datasketch.LeanMinHash(seed=7, hashvalues=ours[0], scheme="affine32")
    assert lean.jaccard(datasketch.LeanMinHash(seed=7, hashvalues=ours[1], scheme="affine32")) == pytest.approx(
        np.mean(ours[0] == ours[1]))


def test_jaccard_estimates_are_as_accurate_as_datasketch(rows):
    by_story: dict[str, list[str]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(normalize(row["text"]))
    pairs = [(a, b) for texts in by_story.values() for a, b in combinations(texts, 2)][:150]
    pairs += [(normalize(rows[i]["text"]), normalize(rows[i + 7]["text"])) for i in range(0, 140, 7)]
    maker = SignatureMaker(5, 128, 1)
    errors = []
    for a, b in pairs:
        sa, sb = maker.signatures([a, b])
        errors.append(abs(np.mean(sa == sb) - char_jaccard(a, b)))
    assert np.mean(errors) <= 0.025, np.mean(errors)


# Clusters on the labelled set -------------------------------------------------------------------

def test_labelled_set_precision_and_recall(deduped, rows):
    store, _ = deduped
    clusters = list(iter_clusters(store.conn))
    precision, recall = precision_recall(predicted_pairs(clusters), gold_pairs(rows))
    assert precision >= 0.99 and recall >= 0.97, (precision, recall)
    script = {row["url"]: row["script"] for row in rows}
    cross_gold = {pair for pair in gold_pairs(rows) if len({script[url] for url in pair}) == 2}
    cross_predicted = {pair for pair in predicted_pairs(clusters) if len({script[url] for url in pair}) == 2}
    assert len(cross_gold) >= 20
    precision, recall = precision_recall(cross_predicted, cross_gold)
    assert precision >= 0.99 and recall >= 0.97, (precision, recall)


def test_every_document_has_one_membership_and_every_member_resembles_its_canonical(deduped, rows):
    store, summary = deduped
    assert summary["documents"] == len(rows)
    members = store.execute("SELECT count(*), count(DISTINCT doc_id) FROM cluster_members").fetchone()
    assert tuple(members) == (len(rows), len(rows))
    texts = dict(store.execute("SELECT id, text FROM documents").fetchall())
    reasons = dict(store.execute("SELECT doc_id, reason FROM dedup_member_reasons").fetchall())
    for cluster in iter_clusters(store.conn, include_singletons=True):
        canonical_id = cluster["canonical"]["doc_id"]
        canonical = normalized_text(texts[canonical_id])
        assert cluster["size"] == len(cluster["members"])
        for member in cluster["members"]:
            exact = char_jaccard(canonical, normalized_text(texts[member["doc_id"]]))
            assert member["similarity"] == pytest.approx(exact, abs=1e-6)
            # Below the threshold only shortened copies join, and each says on what evidence.
            assert exact >= 0.6 or (exact >= 0.4 and "shortened copy" in reasons[member["doc_id"]]), reasons


def test_same_topic_stories_sharing_figures_stay_apart(deduped):
    store, _ = deduped
    cluster_of = dict(store.execute(
        "SELECT d.url, m.cluster_id FROM cluster_members m JOIN documents d ON d.id = m.doc_id").fetchall())
    seed_001 = [url for url in cluster_of if "/seed001/" in url]
    seed_004 = [url for url in cluster_of if "/seed004/" in url]
    assert seed_001 and seed_004
    assert {cluster_of[url] for url in seed_001}.isdisjoint(cluster_of[url] for url in seed_004)


def test_pages_holding_several_stories_are_containments_not_duplicates(deduped, rows):
    store, _ = deduped
    ids = dict(store.execute("SELECT url, id FROM documents").fetchall())
    cluster = dict(store.execute("SELECT doc_id, cluster_id FROM cluster_members").fetchall())
    flagged = {tuple(row) for row in store.execute("SELECT container_doc_id, contained_doc_id FROM containments")}
    originals = {row["story"]: ids[row["url"]] for row in rows if row["variant"] == "original"}
    expected = [(ids[row["url"]], originals[story]) for row in rows for story in row.get("contains", [])]
    expected += [(originals[row["contained_in"]], ids[row["url"]]) for row in rows if row.get("contained_in")]
    assert len(expected) >= 5
    for container, contained in expected:
        assert (container, contained) in flagged
        assert cluster[container] != cluster[contained]


def test_signatures_are_recorded_with_their_scheme(deduped):
    store, _ = deduped
    params = dict(store.execute("SELECT * FROM dedup_params").fetchone())
    assert params["library"] == "datasketch" and params["scheme"] == "affine32"
    assert (params["seed"], params["num_perm"], params["shingle_size"]) == (1, 128, 5)
    blob = store.execute("SELECT hashvalues FROM dedup_signatures WHERE shingles > 0 LIMIT 1").fetchone()[0]
    assert len(blob) == 4 * 128


# Incremental runs --------------------------------------------------------------------------------

def _story_with_copies(rows: list[dict], count: int = 3) -> list[dict]:
    """The rows of the first THUCNews story that has at least ``count`` copies in the fixture."""
    by_story: dict[str, list[dict]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(row)
    return next(by_story[story] for story in sorted(by_story)
                if story.startswith("thuc") and len(by_story[story]) >= count
                and all(row["variant"] != "epaper-page" for row in by_story[story]))


def _clusters_by_url(store: Store) -> dict[str, str]:
    return dict(store.execute(
        "SELECT d.url, m.cluster_id FROM cluster_members m JOIN documents d ON d.id = m.doc_id").fetchall())


def test_second_run_fingerprints_only_new_documents_and_keeps_unrelated_cluster_ids(store, rows):
    first, later = rows[:120], rows[120:]
    put_documents(store, first)
    run_dedup(store)
    before = _clusters_by_url(store)
    put_documents(store, later)
    summary = run_dedup(store)
    assert summary["fingerprinted"] == len(later)
    after = _clusters_by_url(store)
    later_stories = {row["story"] for row in later}
    unrelated = [row["url"] for row in first if row["story"] not in later_stories]
    assert unrelated and all(after[url] == before[url] for url in unrelated)
    # The same clusters as a run over everything at once.
    assert {frozenset(u for u in after if after[u] == c) for c in set(after.values())} == \
        _fresh_partition(rows)


def _fresh_partition(rows):
    with Store.open(":memory:") as fresh:
        put_documents(fresh, rows)
        run_dedup(fresh)
        found = _clusters_by_url(fresh)
    return {frozenset(u for u in found if found[u] == c) for c in set(found.values())}


def test_cluster_keeps_its_id_when_an_earlier_copy_becomes_canonical(store, rows):
    story = _story_with_copies(rows)
    put_documents(store, story)
    run_dedup(store)
    (cluster_id, canonical), = store.execute("SELECT id, canonical_doc_id FROM clusters").fetchall()
    earlier = {**story[0], "url": "https://early.example.org/a.html", "published": "2024-01-01T08:00:00+08:00"}
    ids = put_documents(store, [earlier])
    summary = run_dedup(store)
    assert summary["fingerprinted"] == 1
    row = store.execute("SELECT id, canonical_doc_id, canonical_reason FROM clusters").fetchall()
    assert len(row) == 1 and row[0][0] == cluster_id
    assert row[0][1] == ids[earlier["url"]] != canonical and row[0][2].startswith("earliest published")


def test_changed_text_is_refingerprinted_and_leaves_its_cluster(store, rows):
    story = _story_with_copies(rows)
    put_documents(store, story)
    run_dedup(store)
    changed = {**story[-1], "text": rows[0]["text"]}
    put_documents(store, [changed])
    summary = run_dedup(store)
    assert summary["fingerprinted"] == 1
    clusters = _clusters_by_url(store)
    assert clusters[changed["url"]] != clusters[story[0]["url"]]


def test_taken_down_documents_are_skipped(store, rows):
    story = _story_with_copies(rows)
    put_documents(store, story)
    run_dedup(store)
    with store.transaction() as db:
        db.execute("INSERT INTO takedowns (url, reason, created_at) VALUES (?, 'test', ?)", (story[0]["url"], utc_now()))
    summary = run_dedup(store)
    clusters = _clusters_by_url(store)
    assert story[0]["url"] not in clusters and summary["documents"] == len(story) - 1
    assert store.execute("SELECT count(*) FROM dedup_signatures").fetchone()[0] == len(story) - 1


# Chains, hostile input, policy --------------------------------------------------------------------

def test_no_chain_merging_through_a_middle_document(store, rows):
    # A, B, C: windows of ten 40-character pieces, shifted by two: A~B and B~C, but not A~C.
    source = normalize(next(row["text"] for row in rows if row["story"] == "seed001"))
    pieces = [source[i:i + 40] + "。" for i in range(0, 560, 40)]
    a, b, c = "".join(pieces[0:10]), "".join(pieces[2:12]), "".join(pieces[4:14])
    assert char_jaccard(normalize(a), normalize(b)) >= 0.6 and char_jaccard(normalize(b), normalize(c)) >= 0.6
    assert char_jaccard(normalize(a), normalize(c)) < 0.6
    put_documents(store, [{"url": f"https://x.example/{name}", "text": text, "published": f"2024-05-0{day}"}
                          for name, text, day in (("a", a, 1), ("b", b, 2), ("c", c, 3))])
    run_dedup(store)
    clusters = _clusters_by_url(store)
    assert clusters["https://x.example/a"] != clusters["https://x.example/c"]


def test_hostile_texts_do_not_break_a_run(store):
    put_documents(store, [
        {"url": "https://x.example/empty", "text": "。。。！！！"},
        {"url": "https://x.example/empty2", "text": "……"},
        {"url": "https://x.example/controls", "text": "新闻\x00内容\u200b🙂\u0301" * 50},
        {"url": "https://x.example/huge", "text": "巨" * 2_000_000},
    ])
    summary = run_dedup(store)
    assert summary["clusters"] == 4 and summary["duplicates"] == 0


def test_canonical_policy_explains_its_choice():
    policy = CanonicalPolicy(DedupSettings())
    wire = Candidate(1, "新华社", "2024-05-25T10:00:00+08:00", 900)
    paper = Candidate(2, "重庆晨报", "2024-05-25T06:00:00+08:00", 1200)
    earlier = Candidate(3, "大公报", "2024-05-24T23:00:00+08:00", 300)
    undated = Candidate(4, "每日看点", None, 5000)
    assert sorted([paper, wire, undated], key=policy.key)[0] == wire
    assert policy.reason(wire, [paper, undated]).startswith("original source")
    assert sorted([paper, wire, earlier], key=policy.key)[0] == earlier
    assert policy.reason(earlier, [wire]).startswith("earliest published")
    longer = Candidate(5, "重庆晨报", "2024-05-25T07:00:00+08:00", 1500)
    assert policy.reason(longer, [paper]).startswith("most complete")


def test_stable_ids_reuse_old_ids_once_and_mint_new_ones():
    old = {1: "cA", 2: "cA", 3: "cB"}
    clusters = [Cluster(2, "", [(2, 1.0, "canonical"), (1, 0.9, "near")]), Cluster(4, "", [(4, 1.0, "canonical")]),
                Cluster(1, "", [(1, 1.0, "canonical")])]
    ids = stable_ids(clusters, old, taken={"cnew"}, new_id=lambda doc: "cnew")
    assert ids[0] == "cA" and ids[1] == "cnew-2" and ids[2] not in ("cA", "cnew", "cnew-2")


def test_settings_are_validated_with_a_helpful_message():
    with pytest.raises(ValueError, match="Lower the LSH threshold"):
        DedupSettings(threshold=0.5, lsh_threshold=0.7)
    assert DedupSettings().with_threshold(0.3).lsh_threshold <= 0.3


def test_text_hash_helper_matches_put_documents(store):
    ids = put_documents(store, [{"url": "https://x.example/1", "text": "甲乙丙丁"}])
    stored = store.execute("SELECT text_hash FROM documents WHERE id = ?", (ids["https://x.example/1"],)).fetchone()[0]
    assert stored == hashlib.sha1("甲乙丙丁".encode()).hexdigest()


def test_band_key_candidates_are_what_datasketchs_lsh_finds(rows):
    texts = [normalize(row["text"]) for row in rows]
    signatures = SignatureMaker(5, 128, 1).signatures(texts)
    spec = fingerprint_spec(DedupSettings())
    ids = np.arange(len(texts), dtype=np.int64)
    pairs, _ = lsh_pairs(ids, band_keys(signatures, spec.bands, spec.rows), max_bucket=len(texts), neighbours=1)
    reference = datasketch.MinHashLSH(threshold=0.4, num_perm=128)
    for i, signature in enumerate(signatures):
        reference.insert(i, to_minhash(signature, seed=1))
    expected = {(min(i, j), max(i, j)) for i, signature in enumerate(signatures)
                for j in reference.query(to_minhash(signature, seed=1)) if i != j}
    assert {tuple(pair) for pair in pairs.tolist()} == expected
    assert len(expected) > 50


def test_a_new_threshold_reclusters_everything(store, rows):
    story = _story_with_copies(rows)
    put_documents(store, story)
    run_dedup(store)
    assert store.execute("SELECT count(*) FROM clusters").fetchone()[0] == 1
    summary = run_dedup(store, settings=DedupSettings(threshold=1.0, titled_threshold=1.0, retitled_threshold=1.0))
    assert summary["fingerprinted"] == 0 and summary["scope"] == len(story)
    assert store.execute("SELECT count(*) FROM clusters").fetchone()[0] > 1


def test_headlines_decide_when_one_text_lies_inside_the_other(store, rows):
    story = next(row for row in rows if row["story"] == "seed001")
    paragraphs = [p for p in story["text"].splitlines() if len(p) > 30][:10]
    other = next(row for row in rows if row["story"] == "seed003")["text"][:400]
    full, shortened = "\n".join(paragraphs), "\n".join(paragraphs[:6])
    page = full + "\n" + other
    assert 0.4 <= char_jaccard(normalize(full), normalize(shortened)) < 0.6
    assert 0.6 <= char_jaccard(normalize(full), normalize(page)) < 0.8
    put_documents(store, [
        {"url": "https://x.example/full", "text": full, "title": "香港成西洽会首个主宾城 经济血脉连接全球"},
        {"url": "https://x.example/short", "text": shortened, "title": "香港成西洽會首個主賓城：經濟血脈連接全球"},
        {"url": "https://x.example/page", "text": page, "title": "香江日報電子版 2025年11月09日 第A01版：要聞"},
    ])
    run_dedup(store)
    clusters = _clusters_by_url(store)
    assert clusters["https://x.example/full"] == clusters["https://x.example/short"]
    assert clusters["https://x.example/page"] != clusters["https://x.example/full"]
    flagged = store.execute("""SELECT c.url, d.url FROM containments JOIN documents c ON c.id = container_doc_id
                               JOIN documents d ON d.id = contained_doc_id""").fetchall()
    assert ("https://x.example/page", "https://x.example/full") in [tuple(row) for row in flagged]


def test_a_crowded_bucket_is_capped_and_still_clustered(store, rows):
    # Forty reposts of one text, each with its own short tail: every band's bucket holds them all.
    template = normalize(next(row for row in rows if row["story"] == "seed001")["text"])[:600]
    words = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    pages = [{"url": f"https://x.example/repost/{i}", "text": f"{template}转载自{words[i % 22]}{words[i // 22]}站"}
             for i in range(40)]
    put_documents(store, pages)
    settings = DedupSettings(max_candidates=5, crowded_neighbours=1)
    summary = run_dedup(store, settings=settings)
    bands = 32  # datasketch's choice for LSH threshold 0.4 at 128 permutations
    assert summary["crowded_buckets"] >= bands
    # Linear, not quadratic: each crowded bucket pairs every member with its next one only.
    assert summary["lsh_pairs"] <= bands * (len(pages) - 1) and summary["lsh_pairs"] < 40 * 39 / 2
    assert store.execute("SELECT count(*) FROM cluster_members").fetchone()[0] == 40
    assert summary["clusters"] == 1 and summary["duplicates"] == 39  # joined through their best-matching member


def test_a_sentence_shared_by_many_unrelated_documents_is_skipped_and_counted(store, rows):
    stories: dict[str, dict] = {}
    for row in rows:
        if row.get("cls") == "base" and row["variant"] != "epaper-page":
            stories.setdefault(row["story"], row)
    originals = list(stories.values())[:60]
    assert len(originals) > 50
    boilerplate = "本网站所刊登的各种新闻信息资料均为版权所有未经协议授权禁止下载使用。欢迎关注我们的官方微信公众号获取更多本地资讯。"
    put_documents(store, [{**row, "text": row["text"] + "\n" + boilerplate} for row in originals])
    summary = run_dedup(store, settings=DedupSettings(sentence_max_docs=50))
    assert summary["frequent_sentences"] == 2 and summary["sentence_pairs"] == 0
    assert summary["duplicates"] == 0
