package io.commandcenter.memory.lucene;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.json.Json;
import io.commandcenter.memory.Memory;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryHit;
import io.commandcenter.memory.MemoryRules;
import io.commandcenter.memory.MemoryStore;
import io.commandcenter.memory.Vectors;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded memory: one Lucene index per project under a data directory ({@code <dir>/<project>/}),
 * vectors in an HNSW graph ({@link KnnFloatVectorField}, dot product over unit vectors = cosine),
 * the filter fields indexed beside them. Each add commits before it returns, so what was added
 * survives a restart or a kill. A search asks the graph for {@code max(k × overFetch, minCandidates)}
 * candidates that pass the filter (Lucene filters during the graph walk and falls back to an exact
 * scan when the filter leaves few documents) and keeps the best {@code k}: a small-k HNSW walk can
 * miss exact neighbours, a wider one rarely does (see the recall test and the benchmark).
 * <p>
 * A second store on the same directory (another hub) is refused: UNAVAILABLE {@code MEMORY_LOCKED}.
 */
public final class LuceneMemoryStore implements MemoryStore {
    private static final System.Logger LOG = System.getLogger(LuceneMemoryStore.class.getName());
    private static final String VECTOR = "vector";
    private static final String ID = "id";
    private static final String ID_SORT = "id_sort";
    private static final String AT = "at";
    private static final String AT_SORT = "at_sort";
    private static final String LABELLED = "labelled";
    private static final String DATA = "data";
    private static final String META_FILE = "memory.properties";

    private final Path dir;
    private final int dimensions;
    private final int overFetch;
    private final int minCandidates;
    private final Map<String, ProjectIndex> indexes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * Opens (or creates) the memory under {@code dir}.
     *
     * @throws CommandCenterException PRECONDITION {@code MEMORY_DIMENSIONS_CHANGED} when the directory
     *                                holds memories of another vector length
     */
    public static LuceneMemoryStore open(Path dir, int dimensions) {
        return new LuceneMemoryStore(dir, dimensions, 5, 100);
    }

    public LuceneMemoryStore(Path dir, int dimensions, int overFetch, int minCandidates) {
        if (dimensions < 1 || dimensions > 1024) {
            throw new IllegalArgumentException("dimensions must be 1..1024");
        }
        this.dir = dir;
        this.dimensions = dimensions;
        this.overFetch = Math.max(1, overFetch);
        this.minCandidates = Math.max(1, minCandidates);
        try {
            Files.createDirectories(dir);
            Path meta = dir.resolve(META_FILE);
            Properties props = new Properties();
            if (Files.exists(meta)) {
                try (var in = Files.newInputStream(meta)) {
                    props.load(in);
                }
                int stored = Integer.parseInt(props.getProperty("dimensions", "0"));
                if (stored != dimensions) {
                    throw CommandCenterException.precondition("MEMORY_DIMENSIONS_CHANGED", null, "the memory in " + dir
                            + " holds vectors of " + stored + " numbers, not " + dimensions
                            + ": use another directory or the same dimensions");
                }
            } else {
                props.setProperty("dimensions", Integer.toString(dimensions));
                try (var out = Files.newOutputStream(meta)) {
                    props.store(out, "CommandCenter memory");
                }
            }
        } catch (IOException e) {
            throw unavailable("cannot open the memory directory " + dir, e);
        }
    }

    /** Opens every project index already on disk now (start-up), instead of at its first use. */
    public LuceneMemoryStore openAll() {
        try (var projects = Files.list(dir)) {
            projects.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(p -> MemoryRules.PROJECT.matcher(p).matches())
                    .forEach(p -> index(p, true));
        } catch (IOException e) {
            throw unavailable("cannot list " + dir, e);
        }
        return this;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public void add(Memory memory) {
        addAll(List.of(memory));
    }

    @Override
    public void addAll(List<Memory> memories) {
        memories.forEach(m -> MemoryRules.check(m, dimensions));
        Map<String, List<Memory>> byProject = new LinkedHashMap<>();
        memories.forEach(m -> byProject.computeIfAbsent(m.project(), p -> new ArrayList<>()).add(m));
        byProject.forEach((project, list) -> {
            ProjectIndex index = index(project, true).orElseThrow();
            try {
                for (Memory m : list) {
                    index.writer.updateDocument(new Term(ID, m.id()), document(m));
                }
                index.commit();
            } catch (IOException e) {
                throw unavailable("cannot write the memory of project " + project, e);
            }
        });
    }

    @Override
    public Optional<Memory> get(String project, String id) {
        MemoryRules.checkProject(project, "project");
        MemoryRules.checkId(id, "memory_id");
        return index(project, false).flatMap(index -> index.read(searcher -> {
            TopDocs top = searcher.search(new TermQuery(new Term(ID, id)), 1);
            return top.scoreDocs.length == 0 ? Optional.<Memory>empty()
                    : Optional.of(memory(project, searcher.storedFields(), top.scoreDocs[0].doc));
        }));
    }

    @Override
    public List<MemoryHit> search(String project, float[] vector, int k, MemoryFilter filter) {
        MemoryRules.checkSearch(project, vector, k, dimensions);
        float[] q = Vectors.unit(vector);
        int candidates = Math.min(Math.max(k * overFetch, minCandidates), 10_000);
        return index(project, false).map(index -> index.read(searcher -> {
            Query filterQuery = filterQuery(filter, Optional.empty());
            Query knn = new KnnFloatVectorQuery(VECTOR, q, candidates,
                    filterQuery instanceof MatchAllDocsQuery ? null : filterQuery);
            TopDocs top = searcher.search(knn, candidates);
            StoredFields stored = searcher.storedFields();
            List<MemoryHit> hits = new ArrayList<>();
            for (int i = 0; i < Math.min(k, top.scoreDocs.length); i++) {
                ScoreDoc d = top.scoreDocs[i];
                Memory m = memory(project, stored, d.doc);
                // scores are exact for the candidates found; recompute in double for the report
                hits.add(new MemoryHit(m, Vectors.cosine(q, m.vector())));
            }
            return List.copyOf(hits);
        })).orElse(List.of());
    }

    @Override
    public boolean delete(String project, String id) {
        MemoryRules.checkProject(project, "project");
        MemoryRules.checkId(id, "memory_id");
        Optional<ProjectIndex> found = index(project, false);
        if (found.isEmpty()) {
            return false;
        }
        ProjectIndex index = found.get();
        synchronized (index) {
            boolean present = index.read(s -> s.count(new TermQuery(new Term(ID, id))) > 0);
            if (present) {
                try {
                    index.writer.deleteDocuments(new Term(ID, id));
                    index.commit();
                } catch (IOException e) {
                    throw unavailable("cannot delete from the memory of project " + project, e);
                }
            }
            return present;
        }
    }

    @Override
    public long count(String project, MemoryFilter filter) {
        MemoryRules.checkProject(project, "project");
        return index(project, false).map(index -> index.read(s -> (long) s.count(filterQuery(filter, Optional.empty()))))
                .orElse(0L);
    }

    @Override
    public List<Memory> list(String project, MemoryFilter filter, int limit, Optional<Cursor> after) {
        MemoryRules.checkProject(project, "project");
        MemoryRules.checkLimit(limit);
        return index(project, false).map(index -> index.read(searcher -> {
            Sort newestFirst = new Sort(new SortField(AT_SORT, SortField.Type.LONG, true),
                    new SortField(ID_SORT, SortField.Type.STRING, true));
            TopDocs top = searcher.search(filterQuery(filter, after), limit, newestFirst);
            StoredFields stored = searcher.storedFields();
            List<Memory> out = new ArrayList<>();
            for (ScoreDoc d : top.scoreDocs) {
                out.add(memory(project, stored, d.doc));
            }
            return List.copyOf(out);
        })).orElse(List.of());
    }

    /** Memories of a project on disk, all of them (what the benchmark's reopen reads). */
    public long size(String project) {
        return count(project, MemoryFilter.ALL);
    }

    @Override
    public void close() {
        closed = true;
        for (ProjectIndex index : indexes.values()) {
            index.close();
        }
        indexes.clear();
    }

    private Optional<ProjectIndex> index(String project, boolean create) {
        if (closed) {
            throw CommandCenterException.unavailable("MEMORY_UNAVAILABLE", "the memory is closed", null);
        }
        ProjectIndex open = indexes.get(project);
        if (open != null) {
            return Optional.of(open);
        }
        Path path = dir.resolve(project);
        if (!create && !Files.isDirectory(path)) {
            return Optional.empty();
        }
        return Optional.of(indexes.computeIfAbsent(project, p -> ProjectIndex.open(path)));
    }

    /** One project's index: its writer and a searcher manager over it (near-real-time). */
    private static final class ProjectIndex {
        final Directory directory;
        final IndexWriter writer;
        final SearcherManager searchers;

        private ProjectIndex(Directory directory, IndexWriter writer, SearcherManager searchers) {
            this.directory = directory;
            this.writer = writer;
            this.searchers = searchers;
        }

        static ProjectIndex open(Path path) {
            Directory directory = null;
            try {
                Files.createDirectories(path);
                directory = FSDirectory.open(path);
                IndexWriterConfig config = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                        .setRAMBufferSizeMB(64);
                IndexWriter writer = new IndexWriter(directory, config);
                return new ProjectIndex(directory, writer, new SearcherManager(writer, null));
            } catch (LockObtainFailedException e) {
                closeQuietly(directory);
                throw CommandCenterException.unavailable("MEMORY_LOCKED", "the memory in " + path
                        + " is open in another process (another hub on the same data directory?)", e);
            } catch (IOException e) {
                closeQuietly(directory);
                throw unavailable("cannot open the memory index " + path, e);
            }
        }

        synchronized void commit() throws IOException {
            writer.commit();
            searchers.maybeRefreshBlocking();
        }

        interface Read<T> {
            T apply(IndexSearcher searcher) throws IOException;
        }

        <T> T read(Read<T> read) {
            try {
                IndexSearcher searcher = searchers.acquire();
                try {
                    return read.apply(searcher);
                } finally {
                    searchers.release(searcher);
                }
            } catch (IOException e) {
                throw unavailable("cannot read the memory", e);
            }
        }

        void close() {
            try {
                searchers.close();
                writer.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a memory index: {0}", e.getMessage());
            }
            closeQuietly(directory);
        }

        private static void closeQuietly(Directory d) {
            if (d != null) {
                try {
                    d.close();
                } catch (IOException ignored) {
                    // nothing else to release
                }
            }
        }
    }

    private static Document document(Memory m) {
        Document doc = new Document();
        float[] unit = Vectors.unit(m.vector());
        doc.add(new KnnFloatVectorField(VECTOR, unit, VectorSimilarityFunction.DOT_PRODUCT));
        doc.add(new StringField(ID, m.id(), Field.Store.NO));
        doc.add(new SortedDocValuesField(ID_SORT, new BytesRef(m.id())));
        doc.add(new StringField("entity", m.entity(), Field.Store.NO));
        doc.add(new StringField("kind", m.kind(), Field.Store.NO));
        doc.add(new StringField("action", m.action(), Field.Store.NO));
        doc.add(new StringField("outcome", m.outcome(), Field.Store.NO));
        if (m.isLabelled()) {
            doc.add(new StringField(LABELLED, "1", Field.Store.NO));
        }
        long micros = micros(m.at());
        doc.add(new LongPoint(AT, micros));
        doc.add(new NumericDocValuesField(AT_SORT, micros));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", m.id());
        data.put("entity", m.entity());
        data.put("kind", m.kind());
        data.put("at", m.at().toString());
        data.put("action", m.action());
        data.put("outcome", m.outcome());
        data.put("text", m.text());
        data.put("metadata", m.metadata());
        doc.add(new StoredField(DATA, Json.write(data)));
        ByteBuffer bytes = ByteBuffer.allocate(unit.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : unit) {
            bytes.putFloat(f);
        }
        doc.add(new StoredField("vec", bytes.array()));
        return doc;
    }

    @SuppressWarnings("unchecked")
    private static Memory memory(String project, StoredFields stored, int doc) throws IOException {
        Document d = stored.document(doc);
        Map<String, Object> data = Json.parseObject(d.get(DATA));
        BytesRef raw = d.getBinaryValue("vec");
        ByteBuffer bytes = ByteBuffer.wrap(raw.bytes, raw.offset, raw.length).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[raw.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = bytes.getFloat();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        ((Map<String, Object>) data.get("metadata")).forEach((k, val) -> metadata.put(k, String.valueOf(val)));
        return new Memory((String) data.get("id"), project, (String) data.get("entity"), (String) data.get("kind"),
                Instant.parse((String) data.get("at")), v, (String) data.get("action"), (String) data.get("outcome"),
                (String) data.get("text"), metadata);
    }

    private static Query filterQuery(MemoryFilter f, Optional<Cursor> after) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int clauses = 0;
        for (var term : List.of(Map.entry("entity", f.entity()), Map.entry("kind", f.kind()),
                Map.entry("action", f.action()), Map.entry("outcome", f.outcome()))) {
            if (term.getValue().isPresent()) {
                b.add(new TermQuery(new Term(term.getKey(), term.getValue().get())), BooleanClause.Occur.FILTER);
                clauses++;
            }
        }
        if (f.labelledOnly()) {
            b.add(new TermQuery(new Term(LABELLED, "1")), BooleanClause.Occur.FILTER);
            clauses++;
        }
        if (f.from().isPresent() || f.until().isPresent()) {
            // times are kept to the microsecond: at >= from  <=>  micros(at) >= ceil(from); at < until likewise
            long lo = f.from().map(LuceneMemoryStore::ceilMicros).orElse(Long.MIN_VALUE);
            long hi = f.until().map(u -> ceilMicros(u) - 1).orElse(Long.MAX_VALUE);
            b.add(LongPoint.newRangeQuery(AT, lo, hi), BooleanClause.Occur.FILTER);
            clauses++;
        }
        if (after.isPresent()) {
            long c = micros(after.get().at());
            BooleanQuery.Builder older = new BooleanQuery.Builder().setMinimumNumberShouldMatch(1);
            older.add(LongPoint.newRangeQuery(AT, Long.MIN_VALUE, c - 1), BooleanClause.Occur.SHOULD);
            older.add(new BooleanQuery.Builder()
                    .add(LongPoint.newExactQuery(AT, c), BooleanClause.Occur.FILTER)
                    .add(TermRangeQuery.newStringRange(ID, null, after.get().id(), true, false), BooleanClause.Occur.FILTER)
                    .build(), BooleanClause.Occur.SHOULD);
            b.add(older.build(), BooleanClause.Occur.FILTER);
            clauses++;
        }
        return clauses == 0 ? new MatchAllDocsQuery() : b.build();
    }

    private static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
    }

    private static long ceilMicros(Instant at) {
        Instant floor = at.truncatedTo(ChronoUnit.MICROS);
        return micros(floor) + (floor.equals(at) ? 0 : 1);
    }

    private static CommandCenterException unavailable(String message, IOException e) {
        return CommandCenterException.unavailable("MEMORY_UNAVAILABLE", message + ": " + e.getMessage(),
                new UncheckedIOException(e));
    }
}
