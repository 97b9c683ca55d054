// The OWL 2 DL profile check of asmk_graph.check.owl, on the OWL API (Debian's libowlapi-java).
// Run as: java -cp CLASSES:JARS OwlDlProfile DOC... (owl.py compiles it once into a cache).
// Each argument is one RDF document (Turtle or N-Triples), loaded into a manager of its own with no
// imports followed and nothing fetched. For each it prints tab-separated lines, fields escaped:
//   DOCUMENT <index> <axiom count>
//   UNPARSED <index> <triple the RDF-to-OWL mapping could not turn into an axiom>
//   VIOLATION <index> <kind> <axiom, or empty> <message>
//   ERROR <index> <why the document could not be read>
// The kinds are the OWL API's OWLProfileViolation classes (e.g. IllegalPunning, UseOfUndeclaredDatatype).

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLAxiom;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyCreationException;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlDlProfile {
    // UTF-8 whatever the locale, so that German labels in axioms come through intact.
    static final PrintStream OUT = new PrintStream(
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false, StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        for (int index = 0; index < args.length; index++) {
            try {
                check(index, new File(args[index]));
            } catch (OWLOntologyCreationException unreadable) {
                print("ERROR", index, String.valueOf(unreadable.getMessage()));
            }
        }
        OUT.flush();
    }

    static void check(int index, File document) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntologyLoaderConfiguration config = manager.getOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
            .setFollowRedirects(false);
        // N-Triples is a subset of Turtle: the OWL API's own Turtle parser reads both.
        FileDocumentSource source = new FileDocumentSource(document, new TurtleDocumentFormat());
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(source, config);
        print("DOCUMENT", index, String.valueOf(ontology.getAxiomCount()));
        ontology.getFormat().getOntologyLoaderMetaData().ifPresent(meta ->
            meta.getUnparsedTriples().forEach(triple -> print("UNPARSED", index, triple.toString())));
        for (OWLProfileViolation violation : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
            String axiom = axiomOf(violation);
            // The OWL API appends " [axiom in ontology]" to its message: the axiom is a field of its own.
            String message = violation.toString();
            int suffix = message.indexOf(" [");
            if (suffix >= 0 && message.endsWith("]")) {
                message = message.substring(0, suffix);
            }
            print("VIOLATION", index, violation.getClass().getSimpleName(), axiom, message.strip());
        }
    }

    // Ontology-level violations (e.g. an ontology IRI that is not absolute) have no axiom.
    static String axiomOf(OWLProfileViolation violation) {
        try {
            OWLAxiom axiom = violation.getAxiom();
            return axiom == null ? "" : axiom.toString();
        } catch (IllegalStateException noAxiom) {
            return "";
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
