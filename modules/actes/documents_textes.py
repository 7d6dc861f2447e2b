"""The built-in wording of the arrêtés and décisions, French and Arabic: per act type where the
wording matters, else per family of types (the module of `types/` the type lives in), else a
default that fits any act. A new type gets its family's wording, or the default, without work.

Each text is a `Redaction`: title, visas (one per line) and articles (one per line, numbered
when printed), with `{placeholders}` from documents.PLACEHOLDERS (and `champ_<field>` for the
act's own fields). Legal references marked [GK] are general knowledge, unverified: the tenant
admin checks and corrects them on the templates page before using the documents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Redaction:
    titre_fr: str
    titre_ar: str
    visas_fr: str
    visas_ar: str
    articles_fr: str
    articles_ar: str


VU_SGFP_FR = (
    "Vu le dahir n° 1-58-008 du 4 chaabane 1377 (24 février 1958) portant statut général de la "
    "fonction publique, tel qu'il a été modifié et complété ;"
)
VU_SGFP_AR = (
    "بناء على الظهير الشريف رقم 1.58.008 الصادر في 4 شعبان 1377 (24 فبراير 1958) بمثابة "
    "النظام الأساسي العام للوظيفة العمومية، كما وقع تغييره وتتميمه؛"
)
VU_AVANCEMENT_FR = (
    "Vu le décret n° 2-62-344 du 15 safar 1383 (8 juillet 1963) fixant les conditions "
    "d'avancement d'échelon et de grade des fonctionnaires des administrations publiques [GK] ;"
)
VU_AVANCEMENT_AR = (
    "وعلى المرسوم رقم 2.62.344 الصادر في 15 صفر 1383 (8 يوليو 1963) بتحديد شروط الترقي في "
    "الرتبة والدرجة لموظفي الإدارات العمومية [GK]؛"
)
VU_ECHELLES_FR = (
    "Vu le décret n° 2-73-722 du 6 hija 1393 (31 décembre 1973) portant réforme des échelles "
    "de rémunération [GK] ;"
)
VU_ECHELLES_AR = (
    "وعلى المرسوم رقم 2.73.722 الصادر في 6 ذي الحجة 1393 (31 ديسمبر 1973) بإصلاح سلالم الأجور [GK]؛"
)
VU_PENSIONS_FR = (
    "Vu la loi n° 011-71 du 12 kaada 1391 (30 décembre 1971) instituant un régime de pensions "
    "civiles, telle qu'elle a été modifiée et complétée [GK] ;"
)
VU_PENSIONS_AR = (
    "وعلى القانون رقم 011.71 الصادر في 12 ذي القعدة 1391 (30 ديسمبر 1971) المحدث بموجبه نظام "
    "المعاشات المدنية، كما وقع تغييره وتتميمه [GK]؛"
)
VU_STAGIAIRES_FR = (
    "Vu le décret royal n° 62-68 du 19 safar 1388 (17 mai 1968) fixant les dispositions "
    "applicables aux stagiaires des administrations publiques [GK] ;"
)
VU_STAGIAIRES_AR = (
    "وعلى المرسوم الملكي رقم 62.68 الصادر في 19 صفر 1388 (17 ماي 1968) بتحديد المقتضيات "
    "المطبقة على المتمرنين بالإدارات العمومية [GK]؛"
)
VU_ALLOCATIONS_FR = (
    "Vu la réglementation relative aux allocations familiales servies aux fonctionnaires [GK] ;"
)
VU_ALLOCATIONS_AR = "وعلى النصوص التنظيمية المتعلقة بالتعويضات العائلية المخولة للموظفين [GK]؛"
VU_DOSSIER_FR = "Vu le dossier de l'intéressé(e) ;"
VU_DOSSIER_AR = "وبناء على ملف المعني(ة) بالأمر؛"

INCIDENCE_FR = (
    "L'incidence financière mensuelle brute est de {variation_brut} ; le rappel brut s'élève "
    "à {rappel_brut} pour {mois_rappel} mois."
)
INCIDENCE_AR = (
    "يبلغ الأثر المالي الشهري الإجمالي {variation_brut_ar}، ويبلغ المبلغ الإجمالي للمستحقات "
    "عن {mois_rappel} شهرا {rappel_brut_ar}."
)
EXECUTION_FR = (
    "Le présent arrêté sera notifié à l'intéressé(e) et transmis au Trésorier ministériel."
)
EXECUTION_AR = "يبلغ هذا القرار إلى المعني(ة) بالأمر ويحال على الخازن الوزاري."


def _lignes(*lignes: str) -> str:
    return "\n".join(lignes)


DEFAUT = Redaction(
    titre_fr="Arrêté portant {acte_objet}",
    titre_ar="قرار في شأن {acte_type_ar}",
    visas_fr=_lignes(VU_SGFP_FR, VU_DOSSIER_FR),
    visas_ar=_lignes(VU_SGFP_AR, VU_DOSSIER_AR),
    articles_fr=_lignes(
        "{acte_type} de {agent_nom}, PPR {agent_ppr}, {grade_avant}, échelon {echelon_avant}, "
        "affecté(e) à {unite_avant}, à compter du {date_effet} : {acte_resume}.",
        INCIDENCE_FR,
        EXECUTION_FR,
    ),
    articles_ar=_lignes(
        "{acte_type_ar} لفائدة {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، "
        "الرتبة {echelon_avant}، المعين(ة) ب{unite_avant_ar}، ابتداء من {date_effet_ar}.",
        INCIDENCE_AR,
        EXECUTION_AR,
    ),
)

# Per family (the module under modules/actes/types/ that holds the type).
FAMILLES: dict[str, Redaction] = {
    "positions": Redaction(
        titre_fr="Arrêté portant {acte_objet}",
        titre_ar="قرار في شأن {acte_type_ar}",
        visas_fr=_lignes(VU_SGFP_FR, "Vu la demande de l'intéressé(e) ;", VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, "وبناء على طلب المعني(ة) بالأمر؛", VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{agent_nom}, PPR {agent_ppr}, {grade_avant}, échelon {echelon_avant}, indice "
            "{indice_avant}, fait l'objet d'une {acte_objet} à compter du {date_effet} "
            "({acte_resume}).",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يستفيد {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، الرتبة "
            "{echelon_avant}، الرقم الاستدلالي {indice_avant}، من {acte_type_ar} ابتداء من "
            "{date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "maladie": Redaction(
        titre_fr="Décision portant {acte_objet}",
        titre_ar="مقرر في شأن {acte_type_ar}",
        visas_fr=_lignes(VU_SGFP_FR, "Vu l'avis du conseil de santé [GK] ;", VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, "وبناء على رأي المجلس الصحي [GK]؛", VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{agent_nom}, PPR {agent_ppr}, {grade_avant}, bénéficie d'un(e) {acte_objet} à "
            "compter du {date_effet}.",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يستفيد {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، من "
            "{acte_type_ar} ابتداء من {date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "sorties": Redaction(
        titre_fr="Arrêté portant {acte_objet}",
        titre_ar="قرار في شأن {acte_type_ar}",
        visas_fr=_lignes(VU_SGFP_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{acte_type} de {agent_nom}, PPR {agent_ppr}, {grade_avant}, échelon "
            "{echelon_avant}, affecté(e) à {unite_avant}, à compter du {date_effet} "
            "({acte_resume}).",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "{acte_type_ar} في حق {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، "
            "الرتبة {echelon_avant}، المعين(ة) ب{unite_avant_ar}، ابتداء من {date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "indemnites": Redaction(
        titre_fr="Décision portant {acte_objet}",
        titre_ar="مقرر في شأن {acte_type_ar}",
        visas_fr=_lignes(VU_SGFP_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{acte_type} à {agent_nom}, PPR {agent_ppr}, {grade_avant}, à compter du "
            "{date_effet} : {acte_resume}.",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "{acte_type_ar} لفائدة {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، "
            "ابتداء من {date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "rectification": Redaction(
        titre_fr="Arrêté portant {acte_objet} de l'acte n° {acte_origine_numero}",
        titre_ar="قرار في شأن {acte_type_ar} للقرار رقم {acte_origine_numero}",
        visas_fr=_lignes(VU_SGFP_FR, "Vu l'acte n° {acte_origine_numero} ;", VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, "وبناء على القرار رقم {acte_origine_numero}؛", VU_DOSSIER_AR),
        articles_fr=_lignes(
            "L'acte n° {acte_origine_numero} concernant {agent_nom}, PPR {agent_ppr}, fait "
            "l'objet d'une {acte_objet} à compter du {date_effet}.",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يخضع القرار رقم {acte_origine_numero} المتعلق بالسيد(ة) {agent_nom_ar}، رقم "
            "التأجير {agent_ppr}، لإجراء: {acte_type_ar}، ابتداء من {date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
}

# Per type, where the wording is specific.
TYPES: dict[str, Redaction] = {
    "rectification": Redaction(
        titre_fr="Arrêté portant rectification de l'acte n° {acte_origine_numero}",
        titre_ar="قرار بتصحيح القرار رقم {acte_origine_numero}",
        visas_fr=_lignes(VU_SGFP_FR, "Vu l'acte n° {acte_origine_numero} ;", VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, "وبناء على القرار رقم {acte_origine_numero}؛", VU_DOSSIER_AR),
        articles_fr=_lignes(
            "L'acte n° {acte_origine_numero} concernant {agent_nom}, PPR {agent_ppr}, est "
            "rectifié à compter du {date_effet} : {acte_resume}.",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يصحح القرار رقم {acte_origine_numero} المتعلق بالسيد(ة) {agent_nom_ar}، رقم "
            "التأجير {agent_ppr}، ابتداء من {date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "annulation": Redaction(
        titre_fr="Arrêté portant annulation de l'acte n° {acte_origine_numero}",
        titre_ar="قرار بإلغاء القرار رقم {acte_origine_numero}",
        visas_fr=_lignes(VU_SGFP_FR, "Vu l'acte n° {acte_origine_numero} ;", VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, "وبناء على القرار رقم {acte_origine_numero}؛", VU_DOSSIER_AR),
        articles_fr=_lignes(
            "L'acte n° {acte_origine_numero} concernant {agent_nom}, PPR {agent_ppr}, est "
            "annulé ({champ_motif}).",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يلغى القرار رقم {acte_origine_numero} المتعلق بالسيد(ة) {agent_nom_ar}، رقم "
            "التأجير {agent_ppr} ({champ_motif_ar}).",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "recrutement": Redaction(
        titre_fr="Arrêté portant recrutement",
        titre_ar="قرار بالتوظيف",
        visas_fr=_lignes(VU_SGFP_FR, VU_STAGIAIRES_FR, VU_ECHELLES_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_STAGIAIRES_AR, VU_ECHELLES_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{agent_nom}, CIN {champ_cin}, né(e) le {champ_date_naissance}, est recruté(e) en "
            "qualité de {grade_apres} ({champ_statut}), échelon {echelon_apres}, indice "
            "{indice_apres}, à compter du {date_effet}, sous le PPR {agent_ppr}.",
            "L'intéressé(e) est affecté(e) à {unite_apres}.",
            "L'intéressé(e) percevra un traitement mensuel brut de {variation_brut} ; le rappel "
            "brut s'élève à {rappel_brut} pour {mois_rappel} mois.",
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يوظف {agent_nom_ar}، رقم البطاقة الوطنية {champ_cin}، المزداد(ة) في "
            "{champ_date_naissance_ar}، بصفة {grade_apres_ar} ({champ_statut_ar})، الرتبة "
            "{echelon_apres}، الرقم الاستدلالي {indice_apres}، ابتداء من {date_effet_ar}، تحت "
            "رقم التأجير {agent_ppr}.",
            "يعين المعني(ة) بالأمر ب{unite_apres_ar}.",
            "يتقاضى المعني(ة) بالأمر أجرة شهرية إجمالية قدرها {variation_brut_ar}، ويبلغ "
            "المبلغ الإجمالي للمستحقات عن {mois_rappel} شهرا {rappel_brut_ar}.",
            EXECUTION_AR,
        ),
    ),
    "titularisation": Redaction(
        titre_fr="Arrêté portant titularisation",
        titre_ar="قرار بالترسيم",
        visas_fr=_lignes(VU_SGFP_FR, VU_STAGIAIRES_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_STAGIAIRES_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{agent_nom}, PPR {agent_ppr}, {grade_avant} stagiaire, est titularisé(e) à compter "
            "du {date_effet}, échelon {echelon_apres}, indice {indice_apres}.",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يرسم {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar} متمرن(ة)، ابتداء من "
            "{date_effet_ar}، في الرتبة {echelon_apres}، الرقم الاستدلالي {indice_apres}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "avancement_echelon": Redaction(
        titre_fr="Arrêté portant avancement d'échelon",
        titre_ar="قرار بالترقي في الرتبة",
        visas_fr=_lignes(VU_SGFP_FR, VU_AVANCEMENT_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_AVANCEMENT_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{agent_nom}, PPR {agent_ppr}, {grade_avant}, est promu(e) de l'échelon "
            "{echelon_avant} (indice {indice_avant}) à l'échelon {echelon_apres} (indice "
            "{indice_apres}) à compter du {date_effet}.",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يرقى {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، من الرتبة "
            "{echelon_avant} (الرقم الاستدلالي {indice_avant}) إلى الرتبة {echelon_apres} "
            "(الرقم الاستدلالي {indice_apres}) ابتداء من {date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "avancement_grade": Redaction(
        titre_fr="Arrêté portant avancement de grade",
        titre_ar="قرار بالترقي في الدرجة",
        visas_fr=_lignes(VU_SGFP_FR, VU_AVANCEMENT_FR, VU_ECHELLES_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_AVANCEMENT_AR, VU_ECHELLES_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{agent_nom}, PPR {agent_ppr}, {grade_avant}, échelon {echelon_avant} (indice "
            "{indice_avant}), est promu(e) au grade de {grade_apres}, échelon {echelon_apres} "
            "(indice {indice_apres}), à compter du {date_effet} ({champ_mode}).",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يرقى {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، الرتبة "
            "{echelon_avant} (الرقم الاستدلالي {indice_avant})، إلى درجة {grade_apres_ar}، "
            "الرتبة {echelon_apres} (الرقم الاستدلالي {indice_apres})، ابتداء من "
            "{date_effet_ar} ({champ_mode_ar}).",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "reclassement": Redaction(
        titre_fr="Arrêté portant reclassement",
        titre_ar="قرار بإعادة الترتيب",
        visas_fr=_lignes(VU_SGFP_FR, VU_ECHELLES_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_ECHELLES_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{agent_nom}, PPR {agent_ppr}, {grade_avant}, échelon {echelon_avant} (indice "
            "{indice_avant}), est reclassé(e) en qualité de {grade_apres}, échelon "
            "{echelon_apres} (indice {indice_apres}), à compter du {date_effet}.",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يعاد ترتيب {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، الرتبة "
            "{echelon_avant} (الرقم الاستدلالي {indice_avant})، بصفة {grade_apres_ar}، الرتبة "
            "{echelon_apres} (الرقم الاستدلالي {indice_apres})، ابتداء من {date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "mutation": Redaction(
        titre_fr="Arrêté portant mutation",
        titre_ar="قرار بالنقل",
        visas_fr=_lignes(VU_SGFP_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{agent_nom}, PPR {agent_ppr}, {grade_avant}, échelon {echelon_avant}, en fonction "
            "à {unite_avant}, est muté(e) à {unite_apres} à compter du {date_effet}.",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "ينقل {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، الرتبة "
            "{echelon_avant}، العامل(ة) ب{unite_avant_ar}، إلى {unite_apres_ar} ابتداء من "
            "{date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "mise_retraite": Redaction(
        titre_fr="Arrêté portant mise à la retraite",
        titre_ar="قرار بالإحالة على التقاعد",
        visas_fr=_lignes(VU_SGFP_FR, VU_PENSIONS_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_PENSIONS_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "{agent_nom}, PPR {agent_ppr}, {grade_avant}, échelon {echelon_avant}, indice "
            "{indice_avant}, est admis(e) à faire valoir ses droits à la retraite "
            "({champ_motif}) à compter du {date_effet}.",
            INCIDENCE_FR,
            EXECUTION_FR,
        ),
        articles_ar=_lignes(
            "يحال {agent_nom_ar}، رقم التأجير {agent_ppr}، {grade_avant_ar}، الرتبة "
            "{echelon_avant}، الرقم الاستدلالي {indice_avant}، على التقاعد ({champ_motif_ar}) "
            "ابتداء من {date_effet_ar}.",
            INCIDENCE_AR,
            EXECUTION_AR,
        ),
    ),
    "situation_familiale": Redaction(
        titre_fr="Décision portant modification de la situation familiale",
        titre_ar="مقرر بتغيير الوضعية العائلية",
        visas_fr=_lignes(VU_SGFP_FR, VU_ALLOCATIONS_FR, VU_DOSSIER_FR),
        visas_ar=_lignes(VU_SGFP_AR, VU_ALLOCATIONS_AR, VU_DOSSIER_AR),
        articles_fr=_lignes(
            "La situation familiale de {agent_nom}, PPR {agent_ppr}, {grade_avant}, est "
            "modifiée à compter du {date_effet} : {champ_evenement}.",
            "La variation mensuelle brute des allocations familiales et de la rémunération est "
            "de {variation_brut} ; le rappel brut s'élève à {rappel_brut} pour {mois_rappel} "
            "mois.",
            EXECUTION_FR.replace("arrêté", "décision"),
        ),
        articles_ar=_lignes(
            "تغير الوضعية العائلية للسيد(ة) {agent_nom_ar}، رقم التأجير {agent_ppr}، "
            "{grade_avant_ar}، ابتداء من {date_effet_ar}: {champ_evenement_ar}.",
            INCIDENCE_AR,
            "يبلغ هذا المقرر إلى المعني(ة) بالأمر ويحال على الخازن الوزاري.",
        ),
    ),
}


def famille_de(module: str) -> str:
    """The family of a type from its class's module: modules.actes.types.<famille>."""
    return module.rsplit(".", 1)[-1]


def par_defaut(*, type_code: str, famille: str) -> Redaction:
    return TYPES.get(type_code) or FAMILLES.get(famille) or DEFAUT
