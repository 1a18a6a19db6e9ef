"""A labelled set for similar-claim detection, built on the seed report: for each seed claim
(named by the start of its statement) three paraphrases the way other outlets reported it, and
unrelated decoys that should match nothing. tests/claims/test_similarity.py measures on it."""

PARAPHRASES: dict[str, tuple[str, str, str]] = {
    "Ukraine's long-range drone operation": (
        "Kyiv's 'Spider Web' drone strike hit Russian strategic bombers at airfields in Siberia "
        "and the Arctic, using 117 drones.",
        "Ukraine says 117 drones were used in Operation Spiderweb against nuclear-capable bomber "
        "bases far inside Russia, causing heavy damage.",
        "SBU drones struck strategic bomber bases deep inside Russia, including Siberia, in the "
        "Spider's Web operation.",
    ),
    "Ukraine presented Russia with a list of 400": (
        "Kyiv handed Moscow a list of 400 children it says were abducted to Russia.",
        "Ukrainian negotiators gave the Russian side a list of about 400 abducted Ukrainian "
        "children.",
        "Zelenskiy: our delegation presented Russia with a list of 400 deported children.",
    ),
    "The Ukrainian children in Russia were relocated": (
        "Moscow says the Ukrainian children were evacuated to Russia for their own safety and "
        "were not abducted.",
        "Russia insists the children were relocated for safety, denying any abduction.",
        "Kremlin: the Ukrainian children in Russia were moved to protect them, not kidnapped.",
    ),
    "The Russian delegation agreed only to work on returning 10": (
        "Russia agreed to work on returning only 10 of the 400 children named by Ukraine.",
        "Of the 400 children on Kyiv's list, the Russian delegation promised to look into the "
        "return of just 10.",
        "Zelenskiy says Moscow's delegation agreed to return only 10 of the 400 children.",
    ),
    "Kyiv discriminates against Russian speakers": (
        "Moscow demands that Russian become an official language of Ukraine, saying Kyiv "
        "discriminates against Russian speakers.",
        "Russia accuses Kyiv of discriminating against Russian-speaking people and wants their "
        "rights protected.",
        "The Russian memorandum says the rights of Russian speakers must be protected and "
        "Russian made an official language in Ukraine.",
    ),
    "Ukraine does not discriminate against Russian speakers": (
        "Kyiv denies discriminating against Russian speakers.",
        "Ukraine rejects the claim that it discriminates against people who speak Russian.",
        "Ukrainian officials say Russian speakers are not discriminated against in Ukraine.",
    ),
    "Ukraine glorifies Nazism": (
        "Moscow demands Kyiv ban the glorification of Nazism, accusing Ukraine of glorifying "
        "Nazis.",
        "Russia says Ukraine glorifies Nazism and must outlaw it.",
        "The Russian memorandum calls on Kyiv to ban the glorification of Nazism in Ukraine.",
    ),
    "The Russian charge that Ukraine glorifies Nazism": (
        "Kyiv calls Russia's accusation of glorifying Nazism baseless.",
        "Ukraine dismisses as baseless the Russian charge that it glorifies Nazism.",
        "Ukrainian officials reject the Kremlin's claim of Nazi glorification as groundless "
        "propaganda.",
    ),
    "Russia and Ukraine agreed to exchange prisoners of war": (
        "The two sides agreed a prisoner-of-war swap, with the youngest and the severely "
        "wounded exchanged first.",
        "Russia and Ukraine will exchange prisoners of war, starting with the youngest soldiers "
        "and the most seriously wounded.",
        "Kyiv and Moscow agreed in Istanbul to swap POWs, prioritising the young and gravely "
        "wounded.",
    ),
    "Russia and Ukraine agreed to repatriate the bodies": (
        "Russia and Ukraine will hand back the bodies of 12,000 dead soldiers.",
        "The sides agreed to repatriate 12,000 bodies of fallen servicemen.",
        "Moscow and Kyiv agreed to return the remains of 12,000 killed soldiers to each other.",
    ),
    "Officials from the U.S., the UK": (
        "Ukraine did not notify US or UK officials in advance of its drone attack on Russian "
        "bomber bases, citing operational security.",
        "Washington and London were not told beforehand about Kyiv's strike on Russian bomber "
        "bases, Ukrainian sources say.",
        "Neither the U.S. administration nor the UK was warned in advance of the drone attack "
        "on Russian airfields, for operational security.",
    ),
    "The United States might withdraw from its mediation": (
        "Trump warns the US could walk away from mediating between Russia and Ukraine without "
        "tangible progress.",
        "The United States may withdraw from its mediation efforts if there is no progress.",
        "Washington threatens to abandon its role as mediator unless talks make tangible progress.",
    ),
    "The Istanbul meeting between the Russian and Ukrainian delegations": (
        "The talks in Istanbul between the Russian and Ukrainian delegations lasted just over "
        "an hour.",
        "Russian and Ukrainian delegations met in Istanbul for barely an hour.",
        "The Istanbul round between the two delegations was over in about an hour.",
    ),
    "Russia wants a comprehensive settlement": (
        "Moscow says it seeks a comprehensive settlement rather than a temporary pause in the "
        "fighting.",
        "Russia rejects a temporary ceasefire and wants a comprehensive settlement instead.",
        "The Kremlin wants a full settlement, not just a pause in hostilities.",
    ),
    "Russia demands international recognition of its 2014 annexation": (
        "Russia demands recognition of Crimea's annexation and of its sovereignty over Luhansk, "
        "Donetsk, Zaporizhzhia and Kherson, and a Ukrainian withdrawal from those regions.",
        "Moscow wants international recognition of Crimea and four regions as Russian, and "
        "Ukrainian forces pulled out of them.",
        "The memorandum demands that Ukraine withdraw its troops from Donetsk, Luhansk, "
        "Zaporizhzhia and Kherson and that the world recognise Crimea as Russian.",
    ),
}

DECOYS: tuple[str, ...] = (
    "The European Central Bank left interest rates unchanged on Thursday.",
    "Heavy rain caused flooding in parts of northern Italy over the weekend.",
    "A new species of frog was discovered in the Ecuadorian rainforest.",
    "The city council approved a budget for new cycling lanes downtown.",
    "Oil prices rose after OPEC announced production cuts.",
    "The football club signed a striker from Brazil for a record fee.",
    "Scientists reported progress on a vaccine against malaria.",
    "The airline cancelled dozens of flights because of a strike by pilots.",
    "A heatwave pushed temperatures above 40 degrees in southern Spain.",
    "The tech company unveiled a foldable phone at its annual event.",
    "Parliament in Japan passed a law on the use of artificial intelligence.",
    "Wildfires forced thousands to evacuate in Canada's western provinces.",
)
