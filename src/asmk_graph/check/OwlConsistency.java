// The consistency check of asmk_graph.check.owl: HermiT, the OWL 2 DL reasoner that owlready2 bundles
// (its HermiT.jar carries the OWL API 3 that HermiT is built on).
// Run as: java -cp CLASSES:OWLREADY2_HERMIT_CLASSPATH OwlConsistency [--ignore-unsupported-datatypes] DOC...
// Each DOC is one RDF document (Turtle or N-Triples), reasoned over on its own. Per document it prints
// tab-separated lines, fields escaped:
//   RESULT <index> consistent|inconsistent
//   EXPLANATION <index> <axiom>    (inconsistent only: a minimal set of axioms that cannot all hold)
//   REFUSED <index> <why HermiT cannot reason over the document: input outside OWL 2 DL>
//   ERROR <index> <why the document could not be read>

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.semanticweb.HermiT.Configuration;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.HermiT.datatypes.UnsupportedDatatypeException;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLAxiom;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyCreationException;
import org.semanticweb.owlapi.model.OWLOntologyManager;

public class OwlConsistency {
    static final PrintStream OUT = new PrintStream(
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false, StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        Configuration config = new Configuration();
        config.throwInconsistentOntologyException = false;
        int index = 0;
        for (String arg : args) {
            if (arg.equals("--ignore-unsupported-datatypes")) {
                config.ignoreUnsupportedDatatypes = true;
                continue;
            }
            try {
                check(index, new File(arg), config);
            } catch (OWLOntologyCreationException unreadable) {
                print("ERROR", index, String.valueOf(unreadable.getMessage()));
            } catch (UnsupportedDatatypeException | IllegalArgumentException refused) {
                // HermiT's word for input outside OWL 2 DL (a datatype, a non-simple property counted)
                print("REFUSED", index, String.valueOf(refused.getMessage()));
            }
            OUT.flush();
            index++;
        }
        OUT.flush();
    }

    static void check(int index, File document, Configuration config) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(document);
        Reasoner reasoner = new Reasoner(config, ontology);
        if (reasoner.isConsistent()) {
            print("RESULT", index, "consistent");
            return;
        }
        print("RESULT", index, "inconsistent");
        List<OWLAxiom> axioms = new ArrayList<>(ontology.getLogicalAxioms());
        axioms.sort(Comparator.comparing(OWLAxiom::toString));
        Set<String> conflict = new TreeSet<>();
        for (OWLAxiom axiom : new QuickXplain(manager, config).conflict(new ArrayList<>(), false, axioms)) {
            conflict.add(axiom.toString());
        }
        for (String axiom : conflict) {
            print("EXPLANATION", index, axiom);
        }
    }

    // QuickXplain (Junker 2004): a minimal subset of the axioms that is inconsistent on its own, found
    // with a number of reasoner calls logarithmic in the ontology's size, not linear.
    record QuickXplain(OWLOntologyManager manager, Configuration config) {
        List<OWLAxiom> conflict(List<OWLAxiom> background, boolean backgroundGrew, List<OWLAxiom> candidates)
                throws OWLOntologyCreationException {
            if (backgroundGrew && !consistent(background)) {
                return List.of();
            }
            if (candidates.size() == 1) {
                return candidates;
            }
            List<OWLAxiom> first = candidates.subList(0, candidates.size() / 2);
            List<OWLAxiom> second = candidates.subList(candidates.size() / 2, candidates.size());
            List<OWLAxiom> fromSecond = conflict(union(background, first), !first.isEmpty(), second);
            List<OWLAxiom> fromFirst = conflict(union(background, fromSecond), !fromSecond.isEmpty(), first);
            return union(fromFirst, fromSecond);
        }

        boolean consistent(List<OWLAxiom> axioms) throws OWLOntologyCreationException {
            OWLOntology part = manager.createOntology(new HashSet<>(axioms));
            try {
                return new Reasoner(config, part).isConsistent();
            } finally {
                manager.removeOntology(part);
            }
        }

        static List<OWLAxiom> union(List<OWLAxiom> a, List<OWLAxiom> b) {
            List<OWLAxiom> both = new ArrayList<>(a);
            both.addAll(b);
            return both;
        }
    }

    static void print(String tag, int index, String... fields) {
        StringBuilder line = new StringBuilder(tag).append('\t').append(index);
        for (String field : fields) {
            line.append('\t').append(field.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"));
        }
        OUT.println(line);
    }
}
